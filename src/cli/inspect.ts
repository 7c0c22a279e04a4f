import { writeFile } from 'node:fs/promises';
import { inspectPath } from '../fingerprint/inspect.js';
import { summary, unknownDiscReport } from '../fingerprint/summary.js';
import type { Inspection } from '../fingerprint/types.js';
import { DiscrunError } from '../errors.js';
import { parse, needPositional, type Command } from './command.js';
import { lang, printJson, say } from './output.js';

const usage = 'discrun inspect PATH [--json] [--report [-o FILE]]';

/** The JSON contract of `inspect --json` (media and stats are extras for runners and benchmarks). */
export function inspectionJson(i: Inspection): Record<string, unknown> {
  const { engine, ...rest } = i;
  const e: Record<string, unknown> = { id: engine.id, version: engine.version, evidence: engine.evidence };
  if (engine.id === 'flash') e.as3 = engine.as3 ?? false;
  return { ...rest, engine: e };
}

export const inspect: Command = {
  name: 'inspect',
  summary: { fr: 'identifie un disque sans rien exécuter', en: 'identify a disc without running anything' },
  usage,
  async run(args) {
    const { values, positionals } = parse(args, { json: { type: 'boolean' }, report: { type: 'boolean' }, output: { type: 'string', short: 'o' } }, usage);
    needPositional(positionals, 1, usage);
    const result = await inspectPath(positionals[0]!, lang());
    if (values.report) {
      const text = values.json ? JSON.stringify(reportJson(result), null, 2) + '\n' : unknownDiscReport(result, lang());
      if (values.output) {
        try {
          await writeFile(values.output, text, { flag: 'wx' });
        } catch (e) {
          throw new DiscrunError('write-failed', { path: values.output, reason: (e as NodeJS.ErrnoException).code ?? String(e) });
        }
      } else process.stdout.write(text);
      return 0;
    }
    if (values.json) printJson(inspectionJson(result));
    else say(summary(result, lang()));
    return 0;
  },
};

/** The report without anything local: no path of the image, no user name. */
function reportJson(i: Inspection) {
  const j = inspectionJson(i) as Record<string, unknown>;
  j.source = { kind: i.source.kind };
  delete j.stats;
  return { discrun: 'unknown-disc-report', ...j };
}
