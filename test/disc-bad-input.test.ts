import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BufferByteSource } from '../src/disc/byte-source.js';
import { openDisc, openImageSource } from '../src/disc/index.js';
import { DiscError } from '../src/errors.js';
import { buildIso, isoToBinCue, truncateCopy, writeTree } from './helpers/images.js';
import { findRecords, prng, u32both } from './helpers/iso-patch.js';
import { CORPUS, tempDir } from './helpers/tmp.js';

const tmp = tempDir();
const BIN = join(import.meta.dirname, '..', 'dist', 'cli', 'bin.js');
let plain: string; // ISO level 1, primary tree only: names are bytes we can find and patch
let plainBuf: Buffer;

beforeAll(() => {
  const src = join(tmp, 'src');
  writeTree(src, { 'SUB/INNER.TXT': 'inner', 'AB.TXT': 'ab', 'CD.TXT': 'cd', 'DATA.BIN': Buffer.alloc(600_000, 3) });
  plain = buildIso(src, join(tmp, 'plain.iso'), { label: 'PLAIN', joliet: false, rockRidge: false });
  plainBuf = readFileSync(plain);
});

function patched(name: string, patch: (img: Buffer) => void): string {
  const img = Buffer.from(plainBuf);
  patch(img);
  const out = join(tmp, name);
  writeFileSync(out, img);
  return out;
}

async function failure(path: string): Promise<DiscError> {
  try {
    const d = await openDisc(path, { fallback: false });
    try {
      const entries = await d.list();
      for (const e of entries) if (!e.isDir) await d.read(e.path, 0, 1 << 20);
    } finally {
      await d.close();
    }
  } catch (e) {
    expect(e).toBeInstanceOf(DiscError);
    return e as DiscError;
  }
  throw new Error(`${path} was accepted`);
}

function rec(img: Buffer, name: string): number {
  const r = findRecords(img, Buffer.from(name, 'latin1'));
  expect(r.length, name).toBeGreaterThan(0);
  return r[0]!;
}

describe('damaged and hostile images give one typed error', () => {
  it('an image cut in half is truncated', async () => {
    expect((await failure(truncateCopy(plain, join(tmp, 'half.iso'), Math.floor(plainBuf.length / 2)))).code).toBe('truncated');
  });

  it('an image missing only its last sectors fails when the data there is needed', async () => {
    // Without xorriso's 300 KB of padding the last sectors hold file data; 40 missing sectors are
    // within the slack allowed for TAO run-out, so the error comes when that file is reached.
    const unpadded = buildIso(join(tmp, 'src'), join(tmp, 'nopad.iso'), { label: 'NOPAD', joliet: false, rockRidge: false, extra: ['-no-pad'] });
    const cut = truncateCopy(unpadded, join(tmp, 'tail.iso'), readFileSync(unpadded).length - 40 * 2048);
    const d = await openDisc(cut);
    await expect(d.list()).rejects.toMatchObject({ code: 'truncated' });
    await d.close();
    expect((await failure(cut)).code).toBe('truncated');
  });

  it('random bytes, an empty file and a text file are not disc images', async () => {
    const r = prng(1);
    writeFileSync(join(tmp, 'random.iso'), Buffer.from(Array.from({ length: 300_000 }, () => Math.floor(r() * 256))));
    writeFileSync(join(tmp, 'empty.iso'), '');
    writeFileSync(join(tmp, 'text.iso'), 'ceci n’est pas un CD\n'.repeat(5000));
    for (const f of ['random.iso', 'empty.iso', 'text.iso']) expect((await failure(join(tmp, f))).code, f).toBe('unknown-format');
  });

  it('a directory extent outside the image', async () => {
    const p = patched('dir-outside.iso', (img) => u32both(0x7ffffff0).copy(img, rec(img, 'SUB') + 2));
    expect((await failure(p)).code).toBe('truncated');
  });

  it('a directory that points at the root (a loop)', async () => {
    const p = patched('loop.iso', (img) => {
      const rootLba = img.readUInt32LE(16 * 2048 + 156 + 2);
      u32both(rootLba).copy(img, rec(img, 'SUB') + 2);
    });
    expect((await failure(p)).code).toBe('loop');
  });

  it('a file of 4 GiB in a small image, and a directory of absurd length', async () => {
    const big = patched('huge-file.iso', (img) => u32both(0xffffffff).copy(img, rec(img, 'CD.TXT;1') + 10));
    expect((await failure(big)).code).toBe('truncated');
    const dir = patched('huge-dir.iso', (img) => u32both(0xfffff000).copy(img, rec(img, 'SUB') + 10));
    expect(['too-large', 'truncated']).toContain((await failure(dir)).code);
  });

  for (const [label, bytes] of [
    ['a slash', '/B.TXT;1'],
    ['a NUL byte', 'A\0.TXT;1'],
    ['a control character', 'A\x1b.TXT;1'],
  ] as const) {
    it(`a name containing ${label}`, async () => {
      const p = patched(`name-${label.replace(/\W/g, '')}.iso`, (img) => Buffer.from(bytes, 'latin1').copy(img, rec(img, 'AB.TXT;1') + 33));
      expect((await failure(p)).code).toBe('unsafe-name');
    });
  }

  it('a Rock Ridge name ".."', async () => {
    const src = join(tmp, 'rr');
    writeTree(src, { 'xy': 'hostile' });
    const img = readFileSync(buildIso(src, join(tmp, 'rr.iso'), { label: 'RR', joliet: false }));
    // NM entry: "NM", length 7, version 1, flags 0, then the name.
    const at = img.indexOf(Buffer.from([0x4e, 0x4d, 7, 1, 0, 0x78, 0x79]));
    expect(at).toBeGreaterThan(0);
    Buffer.from('..').copy(img, at + 5);
    writeFileSync(join(tmp, 'rr-dotdot.iso'), img);
    expect((await failure(join(tmp, 'rr-dotdot.iso'))).code).toBe('unsafe-name');
  });

  it('a CUE sheet pointing outside its folder, or at a missing file', async () => {
    writeFileSync(join(tmp, 'evil.cue'), 'FILE "../../etc/passwd" BINARY\n TRACK 01 MODE1/2352\n  INDEX 01 00:00:00\n');
    expect((await failure(join(tmp, 'evil.cue'))).code).toBe('bad-cue');
    writeFileSync(join(tmp, 'missing.cue'), 'FILE "gone.bin" BINARY\n TRACK 01 MODE1/2352\n  INDEX 01 00:00:00\n');
    expect((await failure(join(tmp, 'missing.cue'))).code).toBe('not-found');
    writeFileSync(join(tmp, 'audio.cue'), `FILE "plain.iso" BINARY\n TRACK 01 AUDIO\n  INDEX 01 00:00:00\n`);
    expect((await failure(join(tmp, 'audio.cue'))).code).toBe('audio-cd');
  });

  it('a path that does not exist', async () => {
    expect((await failure(join(tmp, 'absent.iso'))).code).toBe('not-found');
  });
});

describe('the CLI reports bad input in one sentence', () => {
  it('prints no stack trace, exits non-zero, and shows the stack only with --debug', () => {
    const bad = join(tmp, 'loop.iso');
    const r = spawnSync(process.execPath, [BIN, 'ls', bad], { encoding: 'utf8', env: { ...process.env, LANG: 'fr_FR.UTF-8' } });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/se contient lui-même/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const en = spawnSync(process.execPath, [BIN, 'ls', '--json', bad], { encoding: 'utf8', env: { ...process.env, LANG: 'en_GB.UTF-8' } });
    expect(en.stderr).toMatch(/contains itself/);
    expect(en.stdout).toBe('');
    const dbg = spawnSync(process.execPath, [BIN, 'ls', '--debug', bad], { encoding: 'utf8' });
    expect(dbg.status).toBe(1);
    expect(dbg.stderr).toMatch(/\n\s+at /);
  });

  it('never writes to the image', () => {
    const before = readFileSync(plain);
    execFileSync(process.execPath, [BIN, 'ls', '--json', plain]);
    const { cue } = isoToBinCue(plain, join(tmp, 'ro.bin'));
    execFileSync(process.execPath, [BIN, 'ls', cue]);
    expect(readFileSync(plain).equals(before)).toBe(true);
  });
});

describe('fuzzing: seeded mutations parse or fail with a DiscError, quickly', () => {
  const ITERATIONS = Number(process.env.DISCRUN_FUZZ_ITERATIONS ?? 3000);

  it(`${ITERATIONS} mutations of corpus and generated images`, async () => {
    const bases: Array<[string, Buffer]> = [
      ...['copying.iso', 'joliet.iso', 'test-udf1.iso', 'udf102.iso', 'isofs-m1.bin', 'p1.nrg'].map(
        (n) => [n, readFileSync(join(CORPUS, 'disc_images', n))] as [string, Buffer],
      ),
      ['plain.iso', plainBuf],
    ];
    const src = join(tmp, 'fuzz-src');
    writeTree(src, { 'Dossier/Fichier.txt': 'contenu', 'AUTORUN.INF': '[autorun]\nopen=a.exe\n', 'A.EXE': Buffer.alloc(9000, 0x4d) });
    bases.push(['joliet-rr.iso', readFileSync(buildIso(src, join(tmp, 'fz1.iso'), { label: 'FUZZ' }))]);
    bases.push(['udf-bridge.iso', readFileSync(buildIso(src, join(tmp, 'fz2.iso'), { label: 'FUZZ', udf: true }))]);
    bases.push(['raw.bin', readFileSync(isoToBinCue(join(tmp, 'fz1.iso'), join(tmp, 'fz1.bin'), 2).bin)]);

    const rand = prng(Number(process.env.DISCRUN_FUZZ_SEED ?? 20261130));
    const interesting = [0, 1, 0xff, 0xffff, 0x7fffffff, 0xffffffff, 16, 17, 18, 19, 20, 256, 257, 2048];
    const counts = { parsed: 0, failed: 0 };
    const codes = new Map<string, number>();
    let slowest = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const [name, base] = bases[Math.floor(rand() * bases.length)]!;
      let img = Buffer.from(base);
      const n = 1 + Math.floor(rand() * 8);
      for (let k = 0; k < n; k++) {
        // Most damage goes where the metadata lives: descriptors and the first directories.
        const hot = rand() < 0.8;
        const at = hot ? 16 * 2048 + Math.floor(rand() * Math.min(img.length - 16 * 2048, 48 * 2048)) : Math.floor(rand() * img.length);
        if (at < 0 || at >= img.length) continue;
        const op = rand();
        if (op < 0.5) img[at] = Math.floor(rand() * 256);
        else if (op < 0.85 && at + 4 <= img.length) img.writeUInt32LE(interesting[Math.floor(rand() * interesting.length)]!, at);
        else if (op < 0.95) img = img.subarray(0, Math.max(0, at));
        else img[at] = img[at]! ^ 0x80;
      }
      const started = performance.now();
      try {
        const disc = await openImageSource(new BufferByteSource(`${name}#${i}`, img));
        const entries = await disc.list();
        for (const e of entries.slice(0, 50)) if (!e.isDir) await disc.read(e.path, 0, 4096);
        counts.parsed++;
      } catch (e) {
        if (!(e instanceof DiscError)) throw new Error(`mutation ${i} of ${name} threw ${(e as Error)?.stack ?? e}`);
        counts.failed++;
        codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
      }
      slowest = Math.max(slowest, performance.now() - started);
    }
    expect(counts.parsed + counts.failed).toBe(ITERATIONS);
    // Both outcomes happen: the mutations are neither all harmless nor all fatal.
    expect(counts.parsed).toBeGreaterThan(ITERATIONS / 20);
    expect(counts.failed).toBeGreaterThan(ITERATIONS / 20);
    expect(slowest).toBeLessThan(2000);
  });
});
