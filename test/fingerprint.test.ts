import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DiscError } from '../src/errors.js';
import { parseAutorun } from '../src/fingerprint/autorun.js';
import { sniffDirector } from '../src/fingerprint/director.js';
import { sniffExe } from '../src/fingerprint/exe.js';
import { bufferFile } from '../src/fingerprint/file-view.js';
import { inspectPath } from '../src/fingerprint/inspect.js';
import { sniffSwf } from '../src/fingerprint/swf.js';
import { AUTORUN_VARIANTS, families } from './helpers/families.js';
import { buildIso, isoToBinCue, truncateCopy, writeTree } from './helpers/images.js';
import { CORPUS, tempDir } from './helpers/tmp.js';

const tmp = tempDir();
const BIN = join(import.meta.dirname, '..', 'dist', 'cli', 'bin.js');
const MANIFEST = readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t')[0]!);
const file = (p: string) => bufferFile(p, readFileSync(join(CORPUS, p)));

describe('every corpus file is classified as its MANIFEST name says', () => {
  it('covers the whole manifest', () => {
    const onDisk = ['autorun', 'director', 'disc_images', 'dos', 'ne16', 'other', 'pe32_old', 'projector_director', 'swf'].flatMap((d) => readdirSync(join(CORPUS, d)).map((n) => `${d}/${n}`));
    expect(onDisk.sort()).toEqual([...MANIFEST].sort());
  });

  for (const p of MANIFEST.filter((m) => m.startsWith('director/') || m.startsWith('projector_director/'))) {
    // D10_…: 10; D404…: 4.0.4; D4…: 4 or 4.0.4; D6x: 6.x; D2/D3 Mac: 2 / 3.x.
    const want = /^(?:projector_)?director\/D(\d+)/.exec(p)![1]!;
    const major = want === '404' ? '4.0.4' : want;
    it(`${p} is Director ${major}`, async () => {
      const info = await sniffDirector(file(p));
      expect(info).not.toBeNull();
      if (major === '4.0.4') expect(info!.version).toBe('4.0.4');
      else expect(info!.version!.split('.')[0]).toBe(major);
      if (p.startsWith('projector_')) expect(info!.kind).toBe('projector');
    });
  }

  for (const p of MANIFEST.filter((m) => m.startsWith('swf/'))) {
    const [, v, comp, script] = /^swf\/v(\d+)_(FWS|CWS|ZWS)_(AS\d)?/.exec(p)!;
    it(`${p} is SWF ${v}, ${comp}, ${script ?? 'no script'}`, async () => {
      const info = await sniffSwf(file(p));
      expect(info?.version).toBe(Number(v));
      expect(info?.compression).toBe({ FWS: 'none', CWS: 'zlib', ZWS: 'lzma' }[comp!]);
      expect(info?.as3).toBe(script === 'AS3');
    });
  }

  for (const p of MANIFEST.filter((m) => /^(ne16|dos|pe32_old)\//.test(m))) {
    const want = p.startsWith('ne16/') ? ['ne'] : p.startsWith('pe32_old/') ? ['pe32'] : ['mz', 'com'];
    it(`${p} is ${want.join(' or ')}`, async () => {
      const info = await sniffExe(file(p), { isCom: p.endsWith('.COM') });
      expect(want).toContain(info?.format);
      if (p.startsWith('pe32_old/')) {
        expect(info!.timestamp!.getUTCFullYear()).toBeGreaterThanOrEqual(1995);
        expect(info!.timestamp!.getUTCFullYear()).toBeLessThanOrEqual(1996);
      }
    });
  }

  it('ne16/3DMM_MMCAT_VB3.EXE needs the Visual Basic 3 runtime', async () => {
    expect((await sniffExe(file('ne16/3DMM_MMCAT_VB3.EXE')))!.imports).toContain('VBRUN300');
  });

  it('reads version resources of PE and NE files', async () => {
    const pe = await sniffExe(file('pe32_old/3DMM_3DMOVIE.EXE'));
    expect(pe!.version!.ProductName).toBe('3D Movie Maker');
    expect(pe!.version!.LegalCopyright).toMatch(/1995/);
    const ne = await sniffExe(file('ne16/3DMM_MSINF16H.EXE'));
    expect(ne!.version!.FileDescription).toMatch(/16-bit Helper/);
    expect(ne!.description).toBe('MSINF16H.exe');
  });

  it('other/3DMM_ACTRESL.3TH and the disc images are not programs', async () => {
    expect(await sniffExe(file('other/3DMM_ACTRESL.3TH'))).toBeNull();
    expect(await sniffDirector(file('other/3DMM_ACTRESL.3TH'))).toBeNull();
    expect(await sniffSwf(file('other/3DMM_ACTRESL.3TH'))).toBeNull();
  });

  it('autorun/3DMM_cd3_AUTORUN.INF: open with spaces around =, an icon with an index, verbs', () => {
    const a = parseAutorun(readFileSync(join(CORPUS, 'autorun/3DMM_cd3_AUTORUN.INF')))!;
    expect(a.open).toBe('setup\\autorun.exe');
    expect(a.icon).toEqual({ path: '3dmovie\\3dmovie.exe', index: 2 });
    expect(a.verbs.setup).toEqual({ text: 'Install 3D Movie Maker', command: 'setup.exe' });
  });
});

describe('discs built for every engine family', () => {
  for (const fam of families()) {
    it(fam.name, async () => {
      const dir = join(tmp, `fam-${fam.label}`);
      writeTree(dir, fam.files());
      const iso = buildIso(dir, join(tmp, `${fam.label}.iso`), { label: fam.label, publisher: 'EDITEUR DU VOLUME' });
      const r = await inspectPath(iso, 'fr');
      const e = fam.expect;
      expect(r.engine.id, JSON.stringify(r.engine)).toBe(e.engine);
      if (e.version !== undefined) expect(r.engine.version).toBe(e.version);
      if (e.as3 !== undefined) expect(r.engine.as3).toBe(e.as3);
      expect(r.platform).toBe(e.platform);
      expect(r.runner).toBe(e.runner);
      if (e.entry !== undefined) expect(r.entry?.path ?? null).toBe(e.entry);
      if (e.from) expect(r.entry?.from).toBe(e.from);
      if (e.installer !== undefined) expect(r.installer?.type ?? null).toBe(e.installer);
      if (e.protection) expect(r.protection).toEqual(e.protection);
      if (e.publisher !== undefined) expect(r.publisher).toBe(e.publisher);
      if (e.title !== undefined) expect(r.title).toBe(e.title);
      if (e.year !== undefined) expect(r.year).toBe(e.year);
      for (const id of e.risks ?? []) expect(r.risks.map((x) => x.id)).toContain(id);
      expect(r.volume.label).toBe(fam.label);
      expect(r.engine.evidence.length + (e.engine === 'unknown' ? 1 : 0)).toBeGreaterThan(0);
      // Reading budget: a fingerprint costs at most 2 MB of the disc.
      expect(r.stats.bytesRead).toBeLessThanOrEqual(2 * 1024 * 1024);
      // The same disc as a folder has the same identity.
      expect((await inspectPath(dir, 'fr')).fingerprint.id).toBe(r.fingerprint.id);
    });
  }

  it('a Mac-only disc says so and proposes no runner', async () => {
    const hfs = join(tmp, 'maconly.hfs');
    writeFileSync(hfs, Buffer.alloc(1440 * 1024));
    spawnSync('hformat', ['-l', 'Mon Disque Mac', hfs]);
    const r = await inspectPath(hfs, 'en');
    expect(r.platform).toBe('mac');
    expect(r.runner).toBe('none');
    expect(r.risks.map((x) => x.id)).toEqual(['mac-only']);
    expect(r.risks[0]!.message).toMatch(/Macintosh-only/);
  });

  it('a Mac/PC hybrid is run through its PC side', async () => {
    const dir = join(tmp, 'hybrid');
    writeTree(dir, { 'AUTORUN.INF': '[autorun]\nopen=PC.EXE\n', 'PC.EXE': readFileSync(join(CORPUS, 'pe32_old/3DMM_cd3_AUTORUN.EXE')) });
    const r = await inspectPath(buildIso(dir, join(tmp, 'hybrid.iso'), { label: 'HYBRID', hfs: true }), 'fr');
    expect(r.volume.filesystems).toEqual(expect.arrayContaining(['hfs', 'apm']));
    expect(r.platform).toBe('win32');
    expect(r.runner).toBe('wine');
  });
});

describe('AUTORUN.INF as real discs write it', () => {
  for (const v of AUTORUN_VARIANTS) {
    it(v.name, async () => {
      const dir = join(tmp, `ar-${v.name.replace(/\W+/g, '-')}`);
      const gui = readFileSync(join(CORPUS, 'pe32_old/3DMM_cd3_AUTORUN.EXE'));
      writeTree(dir, { 'AUTORUN.INF': v.inf, ...Object.fromEntries(v.files.map((f) => [f, gui])) });
      const r = await inspectPath(buildIso(dir, join(tmp, `ar-${v.files.length}-${Math.random().toString(36).slice(2)}.iso`), { label: 'AUTORUN' }), 'fr');
      expect(r.entry).toEqual({ path: v.entry, args: v.args ?? [], from: 'autorun' });
    });
  }
});

describe('one identity per disc', () => {
  let dir: string;
  beforeAll(() => {
    dir = join(tmp, 'identity');
    writeTree(dir, { 'AUTORUN.INF': '[autorun]\nopen=JEU.EXE\n', 'JEU.EXE': readFileSync(join(CORPUS, 'pe32_old/3DMM_cd3_AUTORUN.EXE')), 'DATA/Images/Ciel.bmp': Buffer.alloc(30_000, 1) });
  });

  it('is the same for an ISO, a BIN/CUE, a folder, another mastering date and another mastering tool', async () => {
    const a = buildIso(dir, join(tmp, 'id-a.iso'), { label: 'IDENT', date: '2001010100000000' });
    const b = buildIso(dir, join(tmp, 'id-b.iso'), { label: 'OTHER_LABEL', date: '2009061512000000', publisher: 'SOMEONE' });
    const c = buildIso(dir, join(tmp, 'id-c.iso'), { label: 'IDENT', udf: true });
    const { cue } = isoToBinCue(a, join(tmp, 'id-a.bin'));
    // The physical disc, through the same block-device interface: a read-only loop device.
    const dev = spawnSync('losetup', ['--find', '--show', '--read-only', a], { encoding: 'utf8' }).stdout.trim();
    expect(dev).toMatch(/^\/dev\/loop\d+$/);
    let ids: string[];
    try {
      ids = await Promise.all([a, b, c, cue, dir, dev].map(async (p) => (await inspectPath(p, 'fr')).fingerprint.id));
    } finally {
      spawnSync('losetup', ['--detach', dev]);
    }
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^dr1-[0-9a-f]{24}$/);
  });

  it('changes when a file changes size, or when a file is added', async () => {
    const base = (await inspectPath(dir, 'fr')).fingerprint.id;
    writeFileSync(join(dir, 'DATA/Images/Ciel.bmp'), Buffer.alloc(30_001, 1));
    const changed = (await inspectPath(dir, 'fr')).fingerprint.id;
    writeFileSync(join(dir, 'DATA/Images/Ciel.bmp'), Buffer.alloc(30_000, 1));
    mkdirSync(join(dir, 'EXTRA'), { recursive: true });
    writeFileSync(join(dir, 'EXTRA/plus.txt'), 'x');
    const added = (await inspectPath(dir, 'fr')).fingerprint.id;
    rmSync(join(dir, 'EXTRA'), { recursive: true });
    expect(changed).not.toBe(base);
    expect(added).not.toBe(base);
    expect((await inspectPath(dir, 'fr')).fingerprint.id).toBe(base);
  });

  it('differs for two discs laid out alike whose root files differ inside', async () => {
    const x = join(tmp, 'alike-x');
    const y = join(tmp, 'alike-y');
    writeTree(x, { 'JEU.EXE': Buffer.alloc(1000, 1), 'DATA/A.DAT': 'aaaa' });
    writeTree(y, { 'JEU.EXE': Buffer.alloc(1000, 2), 'DATA/A.DAT': 'aaaa' });
    expect((await inspectPath(x, 'fr')).fingerprint.id).not.toBe((await inspectPath(y, 'fr')).fingerprint.id);
  });

  it('lists key files with size, md5 of the first 5000 bytes and of the last 5000', async () => {
    const r = await inspectPath(dir, 'fr');
    const jeu = r.fingerprint.files.find((f) => f.path === 'JEU.EXE')!;
    const bytes = readFileSync(join(dir, 'JEU.EXE'));
    const { createHash } = await import('node:crypto');
    expect(jeu.size).toBe(bytes.length);
    expect(jeu.md5).toBe(createHash('md5').update(bytes.subarray(0, 5000)).digest('hex'));
    expect(jeu.tailMd5).toBe(createHash('md5').update(bytes.subarray(bytes.length - 5000)).digest('hex'));
  });
});

describe('broken images give the reader’s typed error', () => {
  it('truncated and garbage images', async () => {
    const dir = join(tmp, 'broken-src');
    writeTree(dir, { 'A.EXE': Buffer.alloc(500_000, 2) });
    const iso = buildIso(dir, join(tmp, 'broken.iso'), { label: 'BROKEN' });
    await expect(inspectPath(truncateCopy(iso, join(tmp, 'cut.iso'), 100_000))).rejects.toBeInstanceOf(DiscError);
    writeFileSync(join(tmp, 'garbage.iso'), Buffer.alloc(100_000, 0x41));
    await expect(inspectPath(join(tmp, 'garbage.iso'))).rejects.toMatchObject({ code: 'unknown-format' });
  });
});

describe('discrun inspect (CLI)', () => {
  let iso: string;
  beforeAll(() => {
    const fam = families().find((f) => f.label === 'RETZ_CE1')!;
    const dir = join(tmp, 'cli-src');
    writeTree(dir, fam.files());
    iso = buildIso(dir, join(tmp, 'cli.iso'), { label: 'RETZ_CE1' });
  });
  const run = (args: string[], lang = 'fr_FR.UTF-8') => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, LANG: lang, LC_ALL: '' } });

  it('--json prints only the contract JSON on stdout', () => {
    const r = run(['inspect', '--json', iso]);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['source', 'volume', 'platform', 'engine', 'entry', 'installer', 'protection', 'publisher', 'title', 'year', 'runner', 'risks', 'fingerprint']));
    expect(j.source).toEqual({ kind: 'iso', path: iso });
    expect(j.engine).not.toHaveProperty('as3');
    expect(j.volume.created).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(j.fingerprint.files[0]).toEqual({ path: expect.any(String), size: expect.any(Number), md5: expect.stringMatching(/^[0-9a-f]{32}$/), tailMd5: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });

  it('speaks French by default and English when LANG says so', () => {
    expect(run(['inspect', iso]).stdout).toMatch(/Titre : Lecture Facile CE1 — Éditions Retz, 1998/);
    expect(run(['inspect', iso], 'C.UTF-8').stdout).toMatch(/Moteur proposé : Wine/);
    expect(run(['inspect', iso], 'en_US.UTF-8').stdout).toMatch(/Proposed engine : Wine/);
  });

  it('--report leaves out local paths and user names', () => {
    const r = run(['inspect', '--report', iso]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/dr1-[0-9a-f]{24}/);
    expect(r.stdout).toMatch(/LECTURE\.EXE\s+\d+\s+[0-9a-f]{32}\s+t:[0-9a-f]{32}/);
    expect(r.stdout).not.toContain(tmp);
    expect(r.stdout).not.toContain('/tmp');
    const j = JSON.parse(run(['inspect', '--report', '--json', iso]).stdout);
    expect(j.source).toEqual({ kind: 'iso' });
    expect(JSON.stringify(j)).not.toContain(tmp);
  });

  it('a missing path is one sentence and exit 1', () => {
    const r = run(['inspect', join(tmp, 'absent.iso')]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });
});
