import { resolve } from 'node:path';
import { DiscrunError } from '../errors.js';
import { log } from '../log.js';
import { mergeReports, scan as runScan } from '../scan/scan.js';
import type { Summary } from '../scan/report.js';
import { dirs } from '../xdg.js';
import { parse, needPositional, type Command } from './command.js';
import { lang, say, t } from './output.js';

const usage = 'discrun scan DIR… [--jobs N] [--json FILE] [--html FILE] [--smoke [--smoke-timeout S]] [--shard I/N] [--resume] | discrun scan merge A.json B.json… [--json FILE] [--html FILE]';

function printSummary(s: Summary): void {
  const v = s.byVerdict;
  say(t(
    `${s.total} disques : ${v.works ?? 0} fonctionnent, ${v.probably ?? 0} devraient fonctionner, ${v.risky ?? 0} à risque, ${v.no ?? 0} ne fonctionnent pas, ${v.error ?? 0} illisibles.`,
    `${s.total} discs: ${v.works ?? 0} work, ${v.probably ?? 0} should work, ${v.risky ?? 0} risky, ${v.no ?? 0} do not work, ${v.error ?? 0} unreadable.`,
  ));
  const line = (label: string, m: Record<string, number>) => `${label} ${Object.entries(m).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`;
  say(line(t('Moteurs :', 'Engines:'), s.byRunner));
  say(line(t('Technologies :', 'Technologies:'), s.byEngine));
  if (Object.keys(s.smoke).length) say(line(t('Essais :', 'Smoke tests:'), s.smoke));
}

/** A progress bar on a terminal (count, rate, ETA); a plain line now and then otherwise. */
function progress() {
  const tty = process.stderr.isTTY;
  const started = Date.now();
  let last = 0;
  return (done: number, total: number) => {
    const now = Date.now();
    const rate = done / Math.max(0.001, (now - started) / 1000);
    const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
    const etaText = `${Math.floor(eta / 60)}:${String(eta % 60).padStart(2, '0')}`;
    if (tty) {
      const width = 30;
      const fill = total ? Math.round((done / total) * width) : width;
      process.stderr.write(`\r[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total} ${rate.toFixed(1)}/s ETA ${etaText}   `);
      if (done === total) process.stderr.write('\n');
    } else if (now - last > 5000 || done === total) {
      last = now;
      process.stderr.write(`discrun scan: ${done}/${total} (${rate.toFixed(1)}/s, ${t('reste', 'ETA')} ${etaText})\n`);
    }
  };
}

export const scanCommand: Command = {
  name: 'scan',
  summary: { fr: 'pré-valide toute une collection d’images, avec un rapport HTML/JSON', en: 'pre-validate a whole collection of images, with an HTML/JSON report' },
  usage,
  async run(args) {
    if (args[0] === 'merge') {
      const { values, positionals } = parse(args.slice(1), { json: { type: 'string' }, html: { type: 'string' } }, usage);
      needPositional(positionals, 1, usage);
      const s = await mergeReports(positionals.map((p) => resolve(p)), { ...(values.json ? { json: resolve(values.json) } : {}), ...(values.html ? { html: resolve(values.html) } : {}) }, lang()).catch((e) => {
        throw new DiscrunError('usage', { what: String((e as Error).message) });
      });
      printSummary(s);
      return 0;
    }
    const { values, positionals } = parse(
      args,
      {
        jobs: { type: 'string' },
        json: { type: 'string' },
        html: { type: 'string' },
        smoke: { type: 'boolean' },
        'smoke-timeout': { type: 'string' },
        shard: { type: 'string' },
        resume: { type: 'boolean' },
      },
      usage,
    );
    needPositional(positionals, 1, usage);
    let shard: { index: number; count: number } | null = null;
    if (values.shard) {
      const m = /^(\d+)\/(\d+)$/.exec(values.shard);
      if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new DiscrunError('usage', { what: `--shard I/N with 1 ≤ I ≤ N (got ${values.shard})` });
      shard = { index: Number(m[1]), count: Number(m[2]) };
    }
    // Readers: the main thread (which also keeps the books) plus workers, one core left for the rest.
    const jobs = values.jobs ? Number(values.jobs) : Math.max(1, (await import('node:os')).availableParallelism() - 1);
    const ac = new AbortController();
    const onSig = () => {
      process.stderr.write(t('\nInterruption : écriture d’un rapport partiel…\n', '\nInterrupted: writing a partial report…\n'));
      ac.abort();
    };
    // on, not once: execa's exit hook re-raises a signal nobody else listens to (and kills us).
    process.on('SIGINT', onSig);
    process.on('SIGTERM', onSig);
    try {
      const r = await runScan({
        roots: positionals,
        jobs,
        ...(values.json ? { json: resolve(values.json) } : {}),
        ...(values.html ? { html: resolve(values.html) } : {}),
        smoke: values.smoke ?? false,
        smokeTimeout: Number(values['smoke-timeout'] ?? 15),
        shard,
        resume: values.resume ?? false,
        lang: lang(),
        dirs: dirs(),
        log: log(),
        signal: ac.signal,
        progress: progress(),
      });
      printSummary(r.summary);
      if (values.json) say(`JSON : ${resolve(values.json)}`);
      if (values.html) say(`HTML : ${resolve(values.html)}`);
      return r.partial ? 130 : 0;
    } finally {
      process.off('SIGINT', onSig);
      process.off('SIGTERM', onSig);
    }
  },
};
