import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { families } from './helpers/families.js';
import { buildIso, isoToBinCue, isoToNrg, truncateCopy, writeTree } from './helpers/images.js';
import { BIN, cli, decodePng, userEnv, waitFor } from './helpers/launch.js';
import { icoFile, probe } from './helpers/programs.js';
import { tempDir } from './helpers/tmp.js';

const base = tempDir('discrun-scan-');
const coll = join(base, 'collection');
const env = userEnv(base);
interface Report {
  format: string;
  partial: boolean;
  cached: number;
  shard: string | null;
  summary: { total: number; errors: number; byVerdict: Record<string, number>; byEngine: Record<string, number>; byRunner: Record<string, number>; byDecade: Record<string, number>; smoke: Record<string, number> };
  discs: Array<{ rel: string; ok: boolean; verdict: string; engine: string | null; runner: string; error: { code: string; message: string } | null; icon: string | null; title: string | null; smoke: { outcome: string; thumbnail: string | null } | null; profile: { id: string } | null }>;
}
const report = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as Report;
const byRel = (r: Report) => Object.fromEntries(r.discs.map((d) => [d.rel, d]));

beforeAll(() => {
  // A town's shelf: discs of several families, one per file, some nested, some damaged.
  const fams = families();
  const pick = (label: string) => fams.find((f) => f.label === label)!;
  const src = (label: string) => {
    const dir = join(base, 'src', label);
    writeTree(dir, pick(label).files());
    return dir;
  };
  mkdirSync(join(coll, 'ecole-a', 'cm1'), { recursive: true });
  mkdirSync(join(coll, 'ecole-b'), { recursive: true });
  buildIso(src('DIR4DISC'), join(coll, 'ecole-a', 'director.iso'), { label: 'DIR4DISC' });
  buildIso(src('FLASHAS1'), join(coll, 'ecole-a', 'cm1', 'flash.iso'), { label: 'FLASHAS1' });
  buildIso(src('RETZ_CE1'), join(coll, 'ecole-a', 'cm1', 'retz.iso'), { label: 'RETZ_CE1' });
  const dos = buildIso(src('DOSJEU'), join(base, 'dos.iso'), { label: 'DOSJEU' });
  isoToBinCue(dos, join(coll, 'ecole-b', 'dos.bin'));
  isoToNrg(buildIso(src('PROTECT'), join(base, 'protect.iso'), { label: 'PROTECT' }), join(coll, 'ecole-b', 'protect.nrg'));
  buildIso(src('DVDVIDEO'), join(coll, 'ecole-b', 'dvd.iso'), { label: 'DVDVIDEO' });
  cpSync(src('WEBFLASH'), join(coll, 'ecole-b', 'copie-du-disque'), { recursive: true });
  const iconDisc = join(base, 'src', 'ICONE');
  writeTree(iconDisc, { 'AUTORUN.INF': '[autorun]\r\nopen=LECTURE.EXE\r\nicon=DISQUE.ICO\r\n', 'LECTURE.EXE': pick('RETZ_CE1').files()['LECTURE.EXE']!, 'DISQUE.ICO': icoFile([200, 40, 160]) });
  buildIso(iconDisc, join(coll, 'ecole-a', 'icone.iso'), { label: 'ICONE' });
  writeFileSync(join(coll, 'ecole-b', 'casse.iso'), Buffer.alloc(100_000, 0x33));
  truncateCopy(join(coll, 'ecole-a', 'director.iso'), join(coll, 'ecole-a', 'tronque.iso'), 60_000);
  symlinkSync(coll, join(coll, 'ecole-b', 'boucle'));
  // Not readable by an ordinary user.
  const locked = join(coll, 'ecole-b', 'verrouille');
  mkdirSync(locked);
  writeFileSync(join(locked, 'x.iso'), 'x');
  chmodSync(locked, 0o000);
  chmodSync(base, 0o755);
  for (const d of ['home', 'data', 'state', 'cache', 'config', 'run']) chmodSync(join(base, d), 0o777);
});

describe('discrun scan', () => {
  it('reports every disc of a collection, with errors as rows, in JSON and in one self-contained HTML file', () => {
    const outDir = join(base, 'out');
    mkdirSync(outDir, { mode: 0o777 });
    chmodSync(outDir, 0o777);
    const json = join(outDir, 'r1.json');
    const html = join(outDir, 'r1.html');
    // An ordinary user, so that a folder it may not read really is unreadable.
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, 'scan', coll, '--jobs', '2', '--json', json, '--html', html], { env, encoding: 'utf8', cwd: base });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\d+ disques : /m);
    expect(r.stderr).toMatch(/discrun scan: \d+\/\d+ \([\d.]+\/s/); // progress lines when not on a terminal
    const rep = report(json);
    const rows = byRel(rep);
    expect(rep.format).toBe('discrun-scan');
    expect(rows['ecole-a/director.iso']).toMatchObject({ ok: true, engine: 'director', runner: 'wine', verdict: 'probably', profile: { id: 'director-2-to-6' } });
    expect(rows['ecole-a/cm1/flash.iso']).toMatchObject({ engine: 'flash', runner: 'ruffle' });
    expect(rows['ecole-a/cm1/retz.iso']).toMatchObject({ title: 'Lecture Facile CE1', runner: 'wine' });
    expect(rows['ecole-b/dos.cue']).toMatchObject({ ok: true, runner: 'dosbox' }); // the .bin is read through its .cue
    expect(rows['ecole-b/dos.bin']).toBeUndefined();
    expect(rows['ecole-b/protect.nrg']).toMatchObject({ ok: true, verdict: 'risky' });
    expect(rows['ecole-b/dvd.iso']).toMatchObject({ ok: true, runner: 'none', verdict: 'no' });
    expect(rows['ecole-b/copie-du-disque']).toMatchObject({ ok: true, engine: 'flash', runner: 'ruffle' });
    expect(rows['ecole-b/casse.iso']).toMatchObject({ ok: false, verdict: 'error', error: { code: 'unknown-format' } });
    expect(rows['ecole-a/tronque.iso']).toMatchObject({ ok: false, error: { code: 'truncated' } });
    const errors = rep.discs.filter((d) => !d.ok).map((d) => d.error!.message).join('\n');
    expect(errors).toMatch(/symbolic link loop/);
    expect(errors).toMatch(/EACCES/);
    // The disc's icon (AUTORUN.INF's icon=) is in the report, as a PNG.
    const icon = decodePng(Buffer.from(rows['ecole-a/icone.iso']!.icon!.replace('data:image/png;base64,', ''), 'base64'));
    expect([icon.width, icon.height]).toEqual([16, 16]);
    expect(icon.pixel(8, 8)).toEqual([200, 40, 160]);
    expect(rep.summary.total).toBe(rep.discs.length);
    expect(rep.summary.errors).toBe(rep.discs.filter((d) => !d.ok).length);
    expect(Object.values(rep.summary.byVerdict).reduce((a, b) => a + b, 0)).toBe(rep.discs.length);
    const page = readFileSync(html, 'utf8');
    expect(page).not.toMatch(/(src|href)="https?:/); // opens offline
    expect(page.match(/<tr data-verdict=/g)).toHaveLength(rep.discs.length);
    expect(page).toMatch(/<script>[\s\S]*addEventListener\('click'/);
    expect(page).toContain('ecole-b/casse.iso');
  });

  it('rescans an unchanged collection from its cache', () => {
    const json = join(base, 'r2.json');
    const r = cli(['scan', coll, '--json', json], env);
    expect(r.status).toBe(0);
    const rep = report(json);
    const images = rep.discs.filter((d) => d.ok && /\.(iso|bin|cue|nrg)$/.test(d.rel)).length;
    const again = report((cli(['scan', coll, '--json', json], env), json));
    expect(again.cached).toBe(images);
    expect(again.summary).toEqual(rep.summary);
  });

  it('splits a collection into shards that partition it, and merges them into one report', () => {
    const full = report((cli(['scan', coll, '--json', join(base, 'full.json')], env), join(base, 'full.json')));
    const parts = [1, 2, 3].map((i) => {
      const p = join(base, `shard${i}.json`);
      expect(cli(['scan', coll, '--shard', `${i}/3`, '--json', p], env).status).toBe(0);
      return p;
    });
    const rels = parts.flatMap((p) => report(p).discs.map((d) => d.rel)).sort();
    expect(rels).toEqual(full.discs.map((d) => d.rel).sort());
    expect(new Set(rels).size).toBe(rels.length);
    expect(report(parts[0]!).shard).toBe('1/3');
    const merged = join(base, 'merged.json');
    const r = cli(['scan', 'merge', ...parts, '--json', merged, '--html', join(base, 'merged.html')], env);
    expect(r.status, r.stderr).toBe(0);
    expect(report(merged).summary).toEqual(full.summary);
    expect(readFileSync(join(base, 'merged.html'), 'utf8').match(/<tr data-verdict=/g)).toHaveLength(full.discs.length);
    expect(cli(['scan', coll, '--shard', '4/3'], env).status).toBe(2);
  });

  it('--smoke launches each disc, records the outcome and a thumbnail; SIGINT writes a partial report that --resume completes', async () => {
    const small = join(base, 'small');
    const mk = (name: string, color: string) => {
      const dir = join(base, 'src', name);
      writeTree(dir, { 'AUTORUN.INF': `[autorun]\r\nopen=PROBE.EXE --stay 60 --color ${color}\r\n`, 'PROBE.EXE': readFileSync(probe('x86_64')), 'ID.TXT': name });
      buildIso(dir, join(small, `${name}.iso`), { label: name.toUpperCase() });
    };
    mkdirSync(small, { recursive: true });
    mk('un', 'FF0000');
    mk('deux', '00FF00');
    mk('trois', '0000FF');
    const json = join(base, 'smoke.json');
    const html = join(base, 'smoke.html');
    const child = spawn(process.execPath, [BIN, 'scan', small, '--smoke', '--smoke-timeout', '4', '--jobs', '1', '--json', json, '--html', html], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    expect(await waitFor(() => /discrun scan: 1\/3/.test(err), 120_000), err).toBe(true);
    child.kill('SIGINT');
    const code = await new Promise<number | string | null>((r) => child.once('exit', (c, s) => r(c ?? s)));
    expect(code).toBe(130);
    const partial = report(json);
    expect(partial.partial).toBe(true);
    expect(partial.discs.length).toBeGreaterThanOrEqual(1);
    expect(partial.discs.length).toBeLessThan(3);
    const resumed = cli(['scan', small, '--smoke', '--smoke-timeout', '4', '--jobs', '1', '--resume', '--json', json, '--html', html], env, 300_000);
    expect(resumed.status, resumed.stderr).toBe(0);
    const rep = report(json);
    expect(rep.partial).toBe(false);
    expect(rep.discs.map((d) => d.rel).sort()).toEqual(['deux.iso', 'trois.iso', 'un.iso']);
    for (const d of rep.discs) {
      expect(d.smoke!.outcome).toBe('ran');
      expect(d.smoke!.thumbnail).toMatch(/^data:image\/png;base64,/);
    }
    expect(rep.summary.smoke).toEqual({ ran: 3 });
    expect(readFileSync(html, 'utf8').match(/<img class="s" src="data:image\/png;base64,/g)).toHaveLength(3);
  });
});
