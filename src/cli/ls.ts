import { openDisc } from '../disc/index.js';
import { parse, needPositional, type Command } from './command.js';
import { printJson, say } from './output.js';

const usage = 'discrun ls PATH [--json]';

export const ls: Command = {
  name: 'ls',
  summary: { fr: 'liste les fichiers d’un disque ou d’une image', en: 'list the files of a disc or image' },
  usage,
  async run(args) {
    const { values, positionals } = parse(args, { json: { type: 'boolean' } }, usage);
    needPositional(positionals, 1, usage);
    const disc = await openDisc(positionals[0]!);
    try {
      const entries = await disc.list();
      if (values.json) {
        printJson(entries.map((e) => ({ path: e.path, size: e.size, isDir: e.isDir, mtime: e.mtime?.toISOString() ?? null })));
      } else {
        const lines = entries.map((e) => `${e.isDir ? 'd' : '-'} ${String(e.size).padStart(12)}  ${e.mtime ? e.mtime.toISOString().slice(0, 19).replace('T', ' ') : '                   '}  ${e.path}${e.isDir ? '/' : ''}`);
        say(lines.join('\n'));
      }
      return 0;
    } finally {
      await disc.close();
    }
  },
};
