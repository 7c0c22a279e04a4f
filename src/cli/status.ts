import { readFile } from 'node:fs/promises';
import type { DaemonStatus } from '../daemon/daemon.js';
import { statusFile } from '../daemon/daemon.js';
import { dirs } from '../xdg.js';
import { parse, type Command } from './command.js';
import { printJson, say, t } from './output.js';

export const status: Command = {
  name: 'status',
  summary: { fr: 'montre ce que le démon surveille et ce qui tourne', en: 'show what the daemon watches and what runs' },
  usage: 'discrun status [--json]',
  async run(args) {
    const { values } = parse(args, { json: { type: 'boolean' } }, 'discrun status [--json]');
    let st: DaemonStatus | null = null;
    try {
      st = JSON.parse(await readFile(statusFile(dirs()), 'utf8')) as DaemonStatus;
      process.kill(st.pid, 0);
    } catch {
      st = null;
    }
    if (values.json) {
      printJson(st ? { active: true, ...st } : { active: false });
      return st ? 0 : 3;
    }
    if (!st) {
      say(t('Le démon discrun ne tourne pas.', 'The discrun daemon is not running.'));
      return 3;
    }
    const lines = [t(`Démon discrun actif (pid ${st.pid}) depuis ${st.started.slice(0, 19).replace('T', ' ')}.`, `discrun daemon running (pid ${st.pid}) since ${st.started.slice(0, 19).replace('T', ' ')}.`)];
    lines.push(t(`Surveille : ${[st.sources.mounts ? 'lecteurs montés' : null, ...st.sources.mediaRoots, ...st.sources.watch].filter(Boolean).join(', ')}`, `Watching: ${[st.sources.mounts ? 'mounted drives' : null, ...st.sources.mediaRoots, ...st.sources.watch].filter(Boolean).join(', ')}`));
    if (!st.running.length) lines.push(t('Aucun disque en cours.', 'No disc running.'));
    for (const r of st.running) lines.push(`▶ ${r.title ?? r.path} — ${r.runner}${r.profile ? ` (${r.profile})` : ''}, ${t('depuis', 'since')} ${r.since.slice(11, 19)}`);
    for (const q of st.queued) lines.push(`… ${q.path} ${t('(en attente)', '(waiting)')}`);
    for (const e of st.recent.slice(0, 5)) lines.push(`  ${e.time.slice(11, 19)} ${e.what}: ${e.message}`);
    say(lines.join('\n'));
    return 0;
  },
};
