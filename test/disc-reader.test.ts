import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDisc } from '../src/disc/index.js';
import { DiscError } from '../src/errors.js';
import { buildIso, isoToBinCue, isoToNrg, writeTree } from './helpers/images.js';
import { splitIntoTwoExtents } from './helpers/iso-patch.js';
import { run, sevenZipShape, shape } from './helpers/peers.js';
import { CORPUS, tempDir } from './helpers/tmp.js';

const IMAGES = join(CORPUS, 'disc_images');
const tmp = tempDir();

async function nativeShape(path: string) {
  const disc = await openDisc(path);
  try {
    return { shape: shape(await disc.list()), volume: disc.volume, kind: disc.source.kind };
  } finally {
    await disc.close();
  }
}

/** 7-Zip's handler name for the filesystem our reader listed. */
function sevenZipType(fs: string | null): string {
  return fs === 'udf' ? 'udf' : 'iso';
}

describe('corpus images agree with 7-Zip', () => {
  for (const name of ['copying.iso', 'joliet.iso', 'test-udf1.iso', 'udf102.iso']) {
    it(name, async () => {
      const native = await nativeShape(join(IMAGES, name));
      expect(native.shape.length).toBeGreaterThan(0);
      expect(native.shape).toEqual(await sevenZipShape(join(IMAGES, name), sevenZipType(native.volume.listedWith)));
    });
  }

  it('udf102.iso is a pure UDF 1.02 disc with a non-ASCII name', async () => {
    const { volume, shape: s } = await nativeShape(join(IMAGES, 'udf102.iso'));
    expect(volume.filesystems).toEqual(['udf']);
    expect(volume.listedWith).toBe('udf');
    expect(s).toEqual(['f FéжΘvrier 10']);
  });

  it('test-udf1.iso is a bridge disc: both ISO 9660 and UDF, and both sides agree with 7-Zip', async () => {
    const { volume, shape: s } = await nativeShape(join(IMAGES, 'test-udf1.iso'));
    expect(volume.filesystems).toEqual(expect.arrayContaining(['iso9660', 'udf']));
    expect(s).toEqual(await sevenZipShape(join(IMAGES, 'test-udf1.iso'), 'udf'));
  });

  it('isofs-m1.cue (raw Mode 1 BIN) lists what bchunk + 7-Zip list', async () => {
    const native = await nativeShape(join(IMAGES, 'isofs-m1.cue'));
    expect(native.kind).toBe('bin');
    const dir = join(tmp, 'bchunk');
    mkdirSync(dir, { recursive: true });
    run('bchunk', [join(IMAGES, 'isofs-m1.bin'), join(IMAGES, 'isofs-m1.cue'), join(dir, 'track')]);
    expect(native.shape).toEqual(await sevenZipShape(join(dir, 'track01.iso')));
    // The .bin alone finds its .cue; the cue names "ISOFS-M1.BIN" in capitals, the file is lower case.
    expect((await nativeShape(join(IMAGES, 'isofs-m1.bin'))).shape).toEqual(native.shape);
  });

  it('p1.nrg is an audio CD: a typed error, as cd-info sees CD-DA and 7-Zip sees nothing', async () => {
    await expect(openDisc(join(IMAGES, 'p1.nrg'))).rejects.toMatchObject({ code: 'audio-cd' });
    expect(run('cd-info', ['--no-device-info', '--no-header', '--nrg-file', join(IMAGES, 'p1.nrg')])).toMatch(/CD-DA/);
    await expect(sevenZipShape(join(IMAGES, 'p1.nrg'))).rejects.toThrow();
  });
});

describe('generated images agree with 7-Zip', () => {
  const src = join(tmp, 'tree');
  const files = {
    'AUTORUN.INF': '[autorun]\r\nopen=setup\\autorun.exe\r\n',
    'Setup/AutoRun.exe': Buffer.alloc(70_000, 1),
    'Données/Leçon 1.txt': 'bonjour',
    'Données/Sous dossier/profond.dat': Buffer.alloc(5000, 7),
    'Un nom de fichier assez long pour Joliet.txt': 'long',
    'EMPTY.TXT': '',
    'big/BIG.BIN': Buffer.alloc(3 * 1024 * 1024 + 17, 9),
  };
  beforeAll(() => writeTree(src, files));

  const variants: Array<[string, Parameters<typeof buildIso>[2]]> = [
    ['joliet+rockridge (xorriso)', { label: 'MIXED_DISC', publisher: 'EDITIONS TEST' }],
    ['rock ridge only (xorriso)', { label: 'RR_ONLY', joliet: false }],
    ['joliet only (xorriso)', { label: 'J_ONLY', rockRidge: false }],
    ['UDF bridge (genisoimage)', { label: 'UDF_BRIDGE', udf: true }],
    // genisoimage cannot convert UTF-8 names for HFS: hybrids of the era used plain ASCII names.
    ['Mac/PC hybrid with HFS (genisoimage)', { label: 'HYBRID', hfs: true }],
  ];
  const asciiSrc = join(tmp, 'tree-ascii');
  beforeAll(() => writeTree(asciiSrc, Object.fromEntries(Object.entries(files).map(([k, v]) => [k.normalize('NFD').replace(/[^\x00-\x7f]/g, ''), v]))));
  for (const [title, opts] of variants) {
    it(title, async () => {
      const iso = buildIso(opts!.hfs ? asciiSrc : src, join(tmp, `${opts!.label}.iso`), opts);
      const native = await nativeShape(iso);
      expect(native.shape).toHaveLength(Object.keys(files).length + 4); // 4 directories
      expect(native.shape).toEqual(await sevenZipShape(iso, sevenZipType(native.volume.listedWith)));
      expect(native.volume.label).toBe(opts!.label);
      if (opts!.udf) expect(native.volume.filesystems).toContain('udf');
      if (opts!.hfs) expect(native.volume.filesystems).toEqual(expect.arrayContaining(['apm', 'hfs', 'iso9660']));
    });
  }

  it('BIN/CUE (Mode 1 and Mode 2 Form 1) and NRG wrap the same ISO and list the same tree', async () => {
    const iso = buildIso(src, join(tmp, 'raw.iso'), { label: 'RAWDISC' });
    const expected = await sevenZipShape(iso);
    const m1 = isoToBinCue(iso, join(tmp, 'raw-m1.bin'), 1);
    const m2 = isoToBinCue(iso, join(tmp, 'raw-m2.bin'), 2);
    const nrg = isoToNrg(iso, join(tmp, 'raw.nrg'));
    for (const p of [m1.cue, m2.cue, nrg]) {
      const native = await nativeShape(p);
      expect(native.shape).toEqual(expected);
      expect(native.volume.label).toBe('RAWDISC');
    }
    // Independent round trips: bchunk and nrg2iso give back ISOs that 7-Zip lists the same way.
    run('bchunk', [m1.bin, m1.cue, join(tmp, 'back-m1')]);
    expect(await sevenZipShape(join(tmp, 'back-m1-01.iso').replace('-01', '01'))).toEqual(expected);
    // nrg2iso strips Nero's 150-sector pregap (and keeps the footer): the ISO must come back intact.
    run('nrg2iso', [nrg, join(tmp, 'back-nrg.iso')]);
    const original = readFileSync(iso);
    expect(readFileSync(join(tmp, 'back-nrg.iso')).subarray(0, original.length).equals(original)).toBe(true);
  });

  it('a folder copy lists the same tree as its ISO', async () => {
    const iso = buildIso(src, join(tmp, 'folder-twin.iso'), { label: 'TWIN' });
    expect((await nativeShape(src)).shape).toEqual((await nativeShape(iso)).shape);
  });

  it('an HFS-only disc is reported as Mac-only with its volume name', async () => {
    const hfs = join(tmp, 'mac.hfs');
    writeFileSync(hfs, Buffer.alloc(1440 * 1024));
    run('hformat', ['-l', 'Mon Disque Mac', hfs]);
    const disc = await openDisc(hfs);
    expect(disc.volume.macOnly).toBe(true);
    expect(disc.volume.macName).toBe('Mon Disque Mac');
    expect(disc.volume.filesystems).toContain('hfs');
    expect(await disc.list()).toEqual([]);
    await disc.close();
  });
});

describe('multi-extent files and block devices', () => {
  it('a file recorded in two extents reads as one, as 7-Zip sees it', async () => {
    const src = join(tmp, 'multi');
    const content = Buffer.from(Array.from({ length: 5 * 2048 + 300 }, (_, i) => (i * 13) & 0xff));
    writeTree(src, { 'BIG.DAT': content, 'ZZZ.DAT': 'z' });
    const iso = buildIso(src, join(tmp, 'multi-src.iso'), { label: 'MULTI', joliet: false, rockRidge: false });
    const multi = join(tmp, 'multi.iso');
    writeFileSync(multi, splitIntoTwoExtents(readFileSync(iso), 'BIG.DAT;1', 2));
    const disc = await openDisc(multi);
    expect((await disc.stat('big.dat'))?.size).toBe(content.length);
    expect((await disc.read('BIG.DAT', 0, content.length)).equals(content)).toBe(true);
    // A range across the boundary between the two extents.
    expect((await disc.read('BIG.DAT', 4000, 200)).equals(content.subarray(4000, 4200))).toBe(true);
    expect(shape(await disc.list())).toEqual(await sevenZipShape(multi));
    await disc.close();
  });

  it('reads a block device (a read-only loop device over an image) like the image itself', async () => {
    const src = join(tmp, 'dev-src');
    writeTree(src, { 'AUTORUN.INF': '[autorun]\r\nopen=A.EXE\r\n', 'A.EXE': Buffer.alloc(20_000, 4), 'SUB/B.TXT': 'b' });
    const iso = buildIso(src, join(tmp, 'dev.iso'), { label: 'DEVICE' });
    const dev = run('losetup', ['--find', '--show', '--read-only', iso]).trim();
    try {
      const disc = await openDisc(dev);
      expect(disc.source).toEqual({ kind: 'device', path: dev });
      expect(disc.volume.label).toBe('DEVICE');
      expect(shape(await disc.list())).toEqual(await sevenZipShape(iso));
      expect((await disc.read('a.exe', 100, 10)).equals(Buffer.alloc(10, 4))).toBe(true);
      await disc.close();
    } finally {
      run('losetup', ['--detach', dev]);
    }
  });
});

describe('lookups as Windows programs spell paths', () => {
  let iso: string;
  beforeAll(() => {
    const src = join(tmp, 'lookup');
    writeTree(src, { 'SETUP/AUTORUN.EXE': Buffer.from('MZ' + 'x'.repeat(5000)), 'Data/Readme': 'hello world, this is a readme' });
    iso = buildIso(src, join(tmp, 'lookup.iso'), { label: 'LOOKUP', joliet: false, rockRidge: false });
  });

  it('is case-insensitive and tolerant of ;1, trailing dots and either slash', async () => {
    const disc = await openDisc(iso);
    for (const p of ['setup\\autorun.exe', 'SETUP/AUTORUN.EXE;1', '/Setup/AutoRun.Exe', 'setup//autorun.exe.', '.\\SETUP\\AUTORUN.EXE']) {
      expect((await disc.stat(p))?.size, p).toBe(5002);
    }
    expect((await disc.stat('data/readme.'))?.name).toBe('README');
    expect(await disc.stat('setup/missing.exe')).toBeNull();
    await disc.close();
  });

  it('reads any byte range and touches only the sectors it needs', async () => {
    const big = join(tmp, 'range');
    const content = Buffer.alloc(8 * 1024 * 1024);
    for (let i = 0; i < content.length; i += 4) content.writeUInt32LE(i, i);
    writeTree(big, { 'DATA.BIN': content });
    const disc = await openDisc(buildIso(big, join(tmp, 'range.iso'), { label: 'RANGE' }));
    const before = disc.bytesRead;
    const slice = await disc.read('data.bin', 5_000_001, 10_000);
    expect(slice.equals(content.subarray(5_000_001, 5_010_001))).toBe(true);
    expect(disc.bytesRead - before).toBeLessThanOrEqual(10_000 + 4096);
    expect((await disc.read('DATA.BIN', content.length - 3, 100)).length).toBe(3);
    await disc.close();
  });
});

describe('the same bytes through every source kind', () => {
  it('ISO, BIN/CUE, NRG and folder give identical file contents', async () => {
    const src = join(tmp, 'same');
    const payload = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7) & 0xff));
    writeTree(src, { 'GAME/PLAY.EXE': payload });
    const iso = buildIso(src, join(tmp, 'same.iso'), { label: 'SAME' });
    const { cue } = isoToBinCue(iso, join(tmp, 'same.bin'), 2);
    const nrg = isoToNrg(iso, join(tmp, 'same.nrg'));
    for (const p of [iso, cue, nrg, src]) {
      const d = await openDisc(p);
      expect((await d.read('game\\play.exe', 0, 1 << 20)).equals(payload), p).toBe(true);
      await d.close();
    }
  });

  it('a copied .bin without its .cue is still read (raw sectors are detected)', async () => {
    const iso = join(tmp, 'same.iso');
    const lone = join(tmp, 'lonely');
    mkdirSync(lone, { recursive: true });
    copyFileSync(join(tmp, 'same.bin'), join(lone, 'image.bin'));
    const d = await openDisc(join(lone, 'image.bin'));
    expect(shape(await d.list())).toEqual(await sevenZipShape(iso));
    await d.close();
    expect(readFileSync(iso).length).toBeGreaterThan(0);
  });

  it('errors are typed DiscErrors', async () => {
    await expect(openDisc(join(tmp, 'nope.iso'))).rejects.toBeInstanceOf(DiscError);
  });
});
