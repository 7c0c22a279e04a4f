import { log } from '../log.js';
import { getRunner } from '../runners/index.js';
import type { EngineRunnerId } from '../runners/types.js';
import { detectWine } from '../runners/wine/install.js';
import { ensureSpare, ensureTemplate } from '../runners/wine/prefix.js';
import { sandboxAvailable } from '../sandbox/policy.js';
import { dirs } from '../xdg.js';
import { parse, type Command } from './command.js';
import { printJson, say, t } from './output.js';

export const setupEngines: Command = {
  name: 'setup-engines',
  summary: { fr: 'prépare les moteurs (préfixe Wine modèle) et vérifie ce qui est installé', en: 'prepare engines (template Wine prefix) and check what is installed' },
  usage: 'discrun setup-engines [--json]',
  async run(args) {
    const { values } = parse(args, { json: { type: 'boolean' }, spare: { type: 'string' } }, 'discrun setup-engines [--json]');
    if (values.spare) {
      // Internal: run detached after a new disc's first launch, to keep the next copy ready.
      const wine = await detectWine();
      const arch = values.spare === 'win64' ? 'win64' : 'win32';
      if (!wine) return 1;
      await ensureSpare(await ensureTemplate(wine, arch, dirs(), log()), dirs());
      return 0;
    }
    const report: Record<string, unknown> = {};
    const sb = await sandboxAvailable();
    report.sandbox = sb;
    const wine = await detectWine();
    report.wine = wine ? { version: wine.version, can32: wine.can32, templates: [] as string[] } : null;
    if (wine) {
      for (const arch of ['win32', 'win64'] as const) {
        if (arch === 'win32' ? !wine.can32 : !wine.loader64) continue;
        const started = performance.now();
        const dir = await ensureTemplate(wine, arch, dirs(), log());
        await ensureSpare(dir, dirs());
        (report.wine as { templates: unknown[] }).templates.push({ arch, dir, seconds: Math.round((performance.now() - started) / 100) / 10 });
      }
    }
    for (const id of ['dosbox', 'ruffle', 'scummvm'] as EngineRunnerId[]) {
      const r = getRunner(id);
      report[id] = r ? await r.available() : { ok: false, reason: 'not built in' };
    }
    if (values.json) printJson(report);
    else {
      say(`${t('Bac à sable', 'Sandbox')} : ${sb.ok ? `bubblewrap ${sb.version}` : t('absent', 'missing') + ` (${sb.reason})`}`);
      if (wine) {
        say(`Wine ${wine.version}${wine.can32 ? '' : t(' (64 bits seulement : ce noyau n’exécute pas de code 32 bits)', ' (64-bit only: this kernel does not run 32-bit code)')}`);
        for (const tpl of (report.wine as { templates: Array<{ arch: string; dir: string; seconds: number }> }).templates) say(`  ${t('modèle', 'template')} ${tpl.arch}: ${tpl.dir} (${tpl.seconds} s)`);
      } else say(t('Wine : absent', 'Wine: missing'));
      for (const id of ['dosbox', 'ruffle', 'scummvm']) {
        const a = report[id] as { ok: boolean; version?: string | null; reason?: string };
        say(`${id} : ${a.ok ? a.version ?? 'ok' : t('absent', 'missing') + (a.reason ? ` (${a.reason})` : '')}`);
      }
    }
    return wine && sb.ok ? 0 : 1;
  },
};
