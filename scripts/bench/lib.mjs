// Shared helpers for the benchmarks: fixtures built once in .cache/bench, timing, peers.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE = process.env.DISCRUN_BENCH_CACHE ?? join(ROOT, '.cache', 'bench');

export function ensureBuilt() {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'bin.js'))) {
    console.error('dist/ is missing: run scripts/setup first.');
    process.exit(2);
  }
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function time(fn, { runs = 5, warmup = 1 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const ts = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    last = await fn();
    ts.push(performance.now() - t0);
  }
  return { ms: median(ts), result: last };
}

export function sevenZip() {
  for (const b of ['7z', '7zz']) if (spawnSync('which', [b]).status === 0) return b;
  throw new Error('7z is not installed: run scripts/setup');
}

/** Writes `count` files spread over `dirs` folders, `bytes` in total, into `root`. */
export function writeBulkTree(root, { count, dirs, bytes, seed = 1 }) {
  const per = Math.floor(bytes / count);
  let x = seed;
  for (let i = 0; i < count; i++) {
    const d = join(root, `DIR${String(i % dirs).padStart(3, '0')}`);
    mkdirSync(d, { recursive: true });
    const buf = Buffer.alloc(per + (i % 7) * 101);
    // A cheap varying pattern, so files differ without paying for a cryptographic RNG.
    x = (x * 1103515245 + 12345) >>> 0;
    buf.writeUInt32LE(x, 0);
    if (i % 50 === 0) buf.write('MZ', 0, 'latin1');
    writeFileSync(join(d, `FILE${String(i).padStart(5, '0')}.DAT`), buf);
  }
}

export function xorriso(src, out, label, extra = []) {
  execFileSync('xorriso', ['-as', 'mkisofs', '-quiet', '-V', label, '-J', '-r', ...extra, '-o', out, src], { stdio: ['ignore', 'ignore', 'inherit'] });
  return out;
}

export function fmtBytes(n) {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}
