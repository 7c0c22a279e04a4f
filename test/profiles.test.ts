import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDisc } from '../src/disc/index.js';
import { inspectDisc } from '../src/fingerprint/inspect.js';
import { lintCatalogue } from '../src/profiles/lint.js';
import { loadCatalogue, parseProfile, SHIPPED_PROFILES } from '../src/profiles/load.js';
import { matchDisc, ProfileIndex } from '../src/profiles/match.js';
import { profileJsonSchema } from '../src/profiles/schema.js';
import { families } from './helpers/families.js';
import { buildIso, writeTree } from './helpers/images.js';
import { CORPUS, tempDir } from './helpers/tmp.js';

const tmp = tempDir();
const BIN = join(import.meta.dirname, '..', 'dist', 'cli', 'bin.js');
const env = (extra: Record<string, string> = {}) => ({
  ...process.env,
  XDG_CONFIG_HOME: join(tmp, 'config'),
  XDG_CACHE_HOME: join(tmp, 'cache'),
  XDG_STATE_HOME: join(tmp, 'state'),
  DISCRUN_SYSTEM_PROFILES: join(tmp, 'etc-profiles'),
  LANG: 'fr_FR.UTF-8',
  ...extra,
});
const cli = (args: string[], e: Record<string, string> = {}) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: env(e) });
const shippedOnly = { dirs: [{ path: SHIPPED_PROFILES, origin: 'shipped' as const }], cacheFile: null };

async function matchFor(path: string, extra: string[] = []) {
  const cat = await loadCatalogue({ ...shippedOnly, extra });
  const disc = await openDisc(path);
  try {
    const insp = await inspectDisc(disc, 'fr');
    return { insp, ...(await matchDisc(new ProfileIndex(cat), insp, disc)) };
  } finally {
    await disc.close();
  }
}

describe('the shipped catalogue', () => {
  it('profiles/schema.json is generated from the zod schema (run: discrun profile schema -o profiles/schema.json)', () => {
    const committed = JSON.parse(readFileSync(join(SHIPPED_PROFILES, 'schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(profileJsonSchema())));
  });

  it('lints clean', async () => {
    const cat = await loadCatalogue(shippedOnly);
    expect(cat.profiles.length).toBeGreaterThanOrEqual(17);
    expect(lintCatalogue(cat).filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('every engine family and platform inspect recognises has a family profile that agrees on the runner', async () => {
    const seen = new Set<string>();
    for (const fam of families()) {
      const dir = join(tmp, `fam-${fam.label}`);
      writeTree(dir, fam.files());
      const r = await matchFor(dir);
      if (r.insp.runner === 'none') {
        expect(r.profile, fam.name).toBeNull();
        continue;
      }
      expect(r.profile, fam.name).not.toBeNull();
      expect(r.profile!.kind).toBe('engine');
      expect(r.ambiguous).toBe(false);
      expect(r.chosen!.profile.runner, fam.name).toBe(r.insp.runner);
      seen.add(r.profile!.id);
    }
    expect(seen.size).toBeGreaterThanOrEqual(14);
  });

  it('Director versions fall in their bands', async () => {
    const d4 = join(tmp, 'fam-DIR4DISC');
    const d10 = join(tmp, 'fam-D10MOVIES');
    expect((await matchFor(d4)).profile!.id).toBe('director-2-to-6');
    expect((await matchFor(d10)).profile!.id).toBe('director-10-plus');
  });
});

describe('profiles with mistakes', () => {
  const dir = join(tmp, 'bad');
  beforeAll(() => {
    writeTree(dir, {
      'engines/good.yaml': 'kind: engine\nid: good-one\ntitle: Bon\nrunner: wine\nmatch:\n  engine: [toolbook]\n  platform: [win32]\nstatus: untested\n',
      'titles/syntax.yaml': 'kind: title\nid: broken\n  title: [oops\n',
      'titles/schema.yaml': 'kind: title\nid: jeu-x\ntitle: Jeu X\nrunner: wine\nmatch:\n  files:\n    - path: JEU.EXE\n      md5: not-an-md5\nwine:\n  desktop: huge\nstatus: perfect\n',
    });
  });

  it('a YAML syntax error and a schema error carry file:line:column and the field path; the good one still loads', async () => {
    const cat = await loadCatalogue({ dirs: [{ path: dir, origin: 'user' }], cacheFile: null });
    expect(cat.profiles.map((p) => p.profile.id)).toEqual(['good-one']);
    const syntax = cat.problems.filter((p) => p.path.endsWith('syntax.yaml'));
    expect(syntax.length).toBeGreaterThan(0);
    expect(syntax.every((p) => p.line !== null && p.line >= 2 && p.line <= 4)).toBe(true);
    const schema = cat.problems.filter((p) => p.path.endsWith('schema.yaml'));
    const byField = Object.fromEntries(schema.map((p) => [p.field, p]));
    expect(byField['match.files.0.md5']).toMatchObject({ line: 8, col: 12 });
    expect(byField['wine.desktop']).toMatchObject({ line: 10 });
    expect(byField['status']).toMatchObject({ line: 11, col: 9 });
  });

  it('discrun profile lint prints them as file:line:col and exits 1', () => {
    const r = cli(['profile', 'lint', join(dir, 'titles/schema.yaml'), join(dir, 'titles/syntax.yaml')]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/schema\.yaml:8:12: error: match\.files\.0\.md5: an MD5 is 32 lower-case hex digits/);
    expect(r.stdout).toMatch(/syntax\.yaml:\d+:\d+: error:/);
  });

  it('duplicate ids and two titles that would match the same disc are errors', async () => {
    const d = join(tmp, 'dups');
    const t = (id: string) => `kind: title\nid: ${id}\ntitle: T\nrunner: wine\nmatch:\n  label: DISC\n  files:\n    - { path: A.EXE, size: 10 }\nstatus: untested\n`;
    writeTree(d, { 'titles/a.yaml': t('same-id'), 'titles/b.yaml': t('same-id'), 'titles/c.yaml': t('other-id') });
    const cat = await loadCatalogue({ dirs: [{ path: d, origin: 'user' }], cacheFile: null });
    const problems = lintCatalogue(cat).filter((p) => p.severity === 'error');
    expect(problems.some((p) => /duplicate id "same-id"/.test(p.message))).toBe(true);
    expect(problems.some((p) => /identical match rules/.test(p.message))).toBe(true);
    expect(cli(['profile', 'lint', join(d, 'titles/a.yaml'), join(d, 'titles/b.yaml'), join(d, 'titles/c.yaml')]).status).toBe(1);
  });
});

describe('matching a disc', () => {
  let iso: string;
  let srcDir: string;
  let exe: Buffer;
  beforeAll(() => {
    srcDir = join(tmp, 'title-src');
    exe = readFileSync(join(CORPUS, 'pe32_old/3DMM_cd3_AUTORUN.EXE'));
    writeTree(srcDir, { 'AUTORUN.INF': '[autorun]\nopen=LANCER.EXE\n', 'LANCER.EXE': exe, 'DATA/LECON1.DAT': Buffer.alloc(12345, 7), 'DATA/LECON2.DAT': Buffer.alloc(999, 1) });
    iso = buildIso(srcDir, join(tmp, 'title.iso'), { label: 'MATHS_CE2' });
  });
  const title = (id: string, files: string) => `kind: title\nid: ${id}\ntitle: Maths CE2\npublisher: Nathan\nyear: 1999\nlanguage: fr\nrunner: wine\nmatch:\n  label: MATHS_CE2\n  files:\n${files}wine:\n  windowsVersion: win98\nstatus: silver\n`;

  it('a title profile wins over the engine family, and says which rules matched', async () => {
    const { createHash } = await import('node:crypto');
    const md5 = createHash('md5').update(exe.subarray(0, 5000)).digest('hex');
    const f = join(tmp, 'maths.yaml');
    writeFileSync(f, title('nathan-maths-ce2', `    - { path: lancer.exe, size: ${exe.length}, md5: ${md5} }\n    - { path: data\\lecon1.dat, size: 12345 }\n`));
    const r = await matchFor(iso, [f]);
    expect(r.profile).toMatchObject({ id: 'nathan-maths-ce2', kind: 'title', status: 'silver' });
    const c = r.candidates.find((x) => x.id === 'nathan-maths-ce2')!;
    expect(c.matched).toEqual(['label "MATHS_CE2" = "MATHS_CE2"', `file lancer.exe size ${exe.length} md5`, 'file data\\lecon1.dat size 12345']);
    expect(c.unmatched).toEqual([]);
    expect(r.candidates.find((x) => x.id === 'win32')!.matches).toBe(true);
  });

  it('a wrong checksum is shown as an unmatched rule and the family is used', async () => {
    const f = join(tmp, 'wrong.yaml');
    writeFileSync(f, title('wrong-md5', `    - { path: LANCER.EXE, md5: ${'f'.repeat(32)} }\n`));
    const r = await matchFor(iso, [f]);
    expect(r.profile!.id).toBe('win32');
    expect(r.candidates.find((x) => x.id === 'wrong-md5')!.unmatched[0]).toMatch(/md5 [0-9a-f]{32} ≠ f{32}/);
  });

  it('among titles, more matched files wins; two equal titles are ambiguous and fall back to the family', async () => {
    const one = join(tmp, 'one.yaml');
    const two = join(tmp, 'two.yaml');
    const twin = join(tmp, 'twin.yaml');
    writeFileSync(one, title('one-file', `    - { path: DATA/LECON1.DAT, size: 12345 }\n`));
    writeFileSync(two, title('two-files', `    - { path: DATA/LECON1.DAT, size: 12345 }\n    - { path: DATA/LECON2.DAT, size: 999 }\n`));
    writeFileSync(twin, title('two-files-twin', `    - { path: DATA/LECON2.DAT, size: 999 }\n    - { path: LANCER.EXE, size: ${exe.length} }\n`));
    expect((await matchFor(iso, [one, two])).profile!.id).toBe('two-files');
    const amb = await matchFor(iso, [one, two, twin]);
    expect(amb.ambiguous).toBe(true);
    expect(amb.profile!.id).toBe('win32');
  });

  it('user profiles override system ones, which override shipped ones (same id)', async () => {
    const sys = join(tmp, 'etc-profiles', 'engines', 'win32.yaml');
    const user = join(tmp, 'config', 'discrun', 'profiles', 'win32.yaml');
    const base = readFileSync(join(SHIPPED_PROFILES, 'engines', 'win32.yaml'), 'utf8');
    const withStatus = (status: string) => base.replace(/^status: \w+$/m, `status: ${status}`);
    writeTree(join(tmp, 'etc-profiles'), { 'engines/win32.yaml': withStatus('silver') });
    let r = cli(['profile', 'match', '--json', iso]);
    expect(JSON.parse(r.stdout).profile).toMatchObject({ id: 'win32', status: 'silver', path: sys });
    mkdirSync(join(tmp, 'config', 'discrun', 'profiles'), { recursive: true });
    writeFileSync(user, withStatus('gold'));
    r = cli(['profile', 'match', '--json', iso]);
    expect(JSON.parse(r.stdout).profile).toMatchObject({ id: 'win32', status: 'gold', path: user });
    // The cache notices an edit (size or mtime change).
    writeFileSync(user, withStatus('broken'));
    utimesSync(user, new Date(), new Date(Date.now() + 5000));
    r = cli(['profile', 'match', '--json', iso]);
    expect(JSON.parse(r.stdout).profile.status).toBe('broken');
  });

  it('profile match --json has the documented shape', () => {
    const r = cli(['profile', 'match', '--json', iso], { XDG_CONFIG_HOME: join(tmp, 'empty-config'), DISCRUN_SYSTEM_PROFILES: join(tmp, 'none') });
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    const shipped = parseProfile(readFileSync(join(SHIPPED_PROFILES, 'engines', 'win32.yaml'), 'utf8'), 'win32.yaml').profile!;
    expect(j).toEqual({ profile: { id: 'win32', kind: 'engine', status: shipped.status, path: join(SHIPPED_PROFILES, 'engines', 'win32.yaml') }, candidates: expect.any(Array), ambiguous: false });
    expect(j.candidates[0]).toEqual({ id: 'win32', kind: 'engine', matches: true, score: 2, matched: ['engine native in [native, unknown]', 'platform win32 in [win32]'], unmatched: [] });
  });

  it('profile new drafts a valid, distinctive title profile that then matches the disc', async () => {
    const out = join(tmp, 'drafted.yaml');
    const r = cli(['profile', 'new', iso, '-o', out], { XDG_CONFIG_HOME: join(tmp, 'empty-config'), DISCRUN_SYSTEM_PROFILES: join(tmp, 'none') });
    expect(r.status, r.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    const parsed = parseProfile(text, out);
    expect(parsed.problems).toEqual([]);
    const p = parsed.profile!;
    expect(p.kind).toBe('title');
    expect(p.status).toBe('untested');
    expect(p.runner).toBe('wine');
    expect(p.wine?.windowsVersion).toBe('winxp'); // from the win32 family
    if (p.kind !== 'title') throw new Error('not a title');
    expect(p.match.label).toBe('MATHS_CE2');
    expect(p.match.files!.length).toBeGreaterThanOrEqual(2);
    expect(p.match.files!.length).toBeLessThanOrEqual(3);
    expect(p.match.files![0]).toMatchObject({ path: 'LANCER.EXE', size: exe.length, md5: expect.stringMatching(/^[0-9a-f]{32}$/), tailMd5: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect((await matchFor(iso, [out])).profile).toMatchObject({ id: p.id, kind: 'title' });
    // It never overwrites a file silently.
    const again = cli(['profile', 'new', iso, '-o', out]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/existe déjà/);
    expect(readFileSync(out, 'utf8')).toBe(text);
  });
});
