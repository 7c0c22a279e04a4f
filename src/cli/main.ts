import { isDiscrunError } from '../errors.js';
import { currentLang } from '../i18n.js';
import { initLogger, log } from '../log.js';
import type { Command } from './command.js';
import { daemon } from './daemon.js';
import { inspect } from './inspect.js';
import { install, uninstall } from './install.js';
import { launch } from './launch.js';
import { ls } from './ls.js';
import { prefixes } from './prefixes.js';
import { scanCommand } from './scan.js';
import { profile } from './profile.js';
import { setupEngines } from './setup-engines.js';
import { status } from './status.js';

const COMMANDS: Command[] = [inspect, launch, ls, profile, prefixes, scanCommand, setupEngines, daemon, status, install, uninstall];

function help(): string {
  const lang = currentLang();
  const lines = COMMANDS.map((c) => `  ${c.usage.padEnd(60)} ${c.summary[lang]}`);
  return `discrun — ${lang === 'en' ? 'run legacy educational CD-ROMs on Linux' : 'faire fonctionner les CD-ROM éducatifs sous Linux'}\n\n${lines.join('\n')}\n\n  --debug    ${lang === 'en' ? 'show stack traces' : 'affiche les traces de pile'}\n  --verbose  ${lang === 'en' ? 'mirror logs to stderr' : 'recopie le journal sur stderr'}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const verbose = argv.includes('--verbose');
  const args = argv.filter((a) => a !== '--debug' && a !== '--verbose');
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${(await import('../version.js')).VERSION}\n`);
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(currentLang() === 'en' ? `Unknown command "${name}". Try discrun --help.\n` : `Commande inconnue « ${name} ». Essayez discrun --help.\n`);
    return 2;
  }
  if (cmd.name !== 'daemon') initLogger({ to: verbose ? 'stderr' : 'file', level: debug ? 'debug' : undefined });
  try {
    return await cmd.run(rest);
  } catch (e) {
    log().error({ err: e, command: name }, 'command failed');
    if (isDiscrunError(e)) {
      process.stderr.write(e.sentence() + '\n');
      if (debug) process.stderr.write((e.stack ?? '') + '\n');
      return e.code === 'usage' ? 2 : 1;
    }
    process.stderr.write(
      (currentLang() === 'en' ? 'Unexpected error: ' : 'Erreur inattendue : ') + ((e as Error)?.message ?? String(e)) + '\n',
    );
    if (debug) process.stderr.write(((e as Error)?.stack ?? '') + '\n');
    return 70;
  }
}

