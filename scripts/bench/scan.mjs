// discrun scan against a 7-Zip baseline (`7z l -slt` + `7z e -so` of each executable's header, one
// image after another) on a generated collection of 500 images (several GB). Also: the rescan
// (cache) ratio, and peak memory at two collection sizes.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE, ROOT, ensureBuilt, fmtBytes, sevenZip, xorriso } from './lib.mjs';

ensureBuilt();
const N = Number(process.env.BENCH_IMAGES ?? 500);
const CORPUS = process.env.DISCRUN_CORPUS ?? join(ROOT, '..', 'shared', 'corpus');
const dir = join(CACHE, 'scan');
const coll = join(dir, 'collection');
const c = (p) => readFileSync(join(CORPUS, p));
const kinds = [
  () => ({ 'AUTORUN.INF': '[autorun]\r\nopen=START.EXE\r\n', 'START.EXE': c('projector_director/D404win_RUNTESTS.EXE'), 'DATA/SHARED.DIR': c('director/D4win_SHARED.DIR') }),
  () => ({ 'AUTORUN.INF': '[autorun]\nopen = setup\\autorun.exe\nicon=3dmovie\\3dmovie.exe,0\n', 'SETUP/AUTORUN.EXE': c('pe32_old/3DMM_cd3_AUTORUN.EXE'), '3DMOVIE/3DMOVIE.EXE': c('pe32_old/3DMM_3DMOVIE.EXE') }),
  () => ({ 'index.htm': '<embed src="a.swf">', 'a.swf': c('swf/v7_CWS_AS2_extends_chain.swf') }),
  () => ({ 'AUTORUN.INF': '[autorun]\nopen=MMCAT.EXE\n', 'MMCAT.EXE': c('ne16/3DMM_MMCAT_VB3.EXE') }),
  () => ({ 'JEU.EXE': c('dos/v2.0_FC.EXE'), 'INSTALL.EXE': c('dos/v2.0_SORT.EXE') }),
];
function build() {
  if (existsSync(join(coll, `.ready-${N}`))) return;
  rmSync(coll, { recursive: true, force: true });
  mkdirSync(coll, { recursive: true });
  const src = join(dir, 'src');
  for (let i = 0; i < N; i++) {
    if (i % 50 === 0) process.stderr.write(`building image ${i}/${N}…\n`);
    rmSync(src, { recursive: true, force: true });
    const files = kinds[i % kinds.length]();
    for (const [p, v] of Object.entries(files)) {
      mkdirSync(join(src, p, '..'), { recursive: true });
      writeFileSync(join(src, p), v);
    }
    // Media that makes each disc several megabytes, as the era's discs were mostly video and sound.
    mkdirSync(join(src, 'MEDIA'), { recursive: true });
    for (let k = 0; k < 8; k++) {
      const b = Buffer.alloc(1 << 20);
      b.writeUInt32LE(i * 100 + k, 0);
      writeFileSync(join(src, 'MEDIA', `CLIP${k}.AVI`), b);
    }
    writeFileSync(join(src, 'ID.TXT'), String(i));
    const sub = join(coll, `lot-${String(Math.floor(i / 100)).padStart(2, '0')}`);
    mkdirSync(sub, { recursive: true });
    xorriso(src, join(sub, `disc-${String(i).padStart(4, '0')}.iso`), `DISC${i}`);
  }
  rmSync(src, { recursive: true, force: true });
  writeFileSync(join(coll, `.ready-${N}`), '');
}
build();
const images = readdirSync(coll).filter((d) => d.startsWith('lot-')).flatMap((d) => readdirSync(join(coll, d)).map((f) => join(coll, d, f)));
const totalBytes = images.reduce((s, p) => s + statSync(p).size, 0);

/** Runs a command, sampling its peak resident memory (VmHWM) from /proc. */
function measure(cmd, args, env) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let peak = 0;
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) * 1024);
      } catch {}
    }, 50);
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ ms: performance.now() - t0, peak, code, err });
    });
  });
}

const base = join(dir, 'home');
const envFor = (name) => {
  const b = join(base, name);
  rmSync(b, { recursive: true, force: true });
  for (const d of ['data', 'cache', 'state', 'config', 'run']) mkdirSync(join(b, d), { recursive: true });
  return { ...process.env, HOME: b, XDG_DATA_HOME: join(b, 'data'), XDG_CACHE_HOME: join(b, 'cache'), XDG_STATE_HOME: join(b, 'state'), XDG_CONFIG_HOME: join(b, 'config'), XDG_RUNTIME_DIR: join(b, 'run'), LANG: 'C.UTF-8' };
};
const BIN = join(ROOT, 'dist', 'cli', 'bin.js');
const jobs = String(Math.max(1, (await import('node:os')).availableParallelism() - 1)); // discrun's default

// Peak memory at two sizes: the first half of the collection, then all of it.
const half = join(dir, 'half');
rmSync(half, { recursive: true, force: true });
mkdirSync(half);
for (const d of readdirSync(coll).filter((d) => d.startsWith('lot-')).slice(0, Math.ceil(N / 200))) execFileSync('ln', ['-s', join(coll, d), join(half, d)]);
const halfCount = readdirSync(half).reduce((s, d) => s + readdirSync(join(half, d)).length, 0);
rmSync(join(dir, 'half.json'), { force: true });
const halfRun = await measure(process.execPath, [BIN, 'scan', half, '--jobs', jobs, '--json', join(dir, 'half.json')], envFor('half'));

const env = envFor('full');
for (const f of ['full.json', 'full.html', 'half.json']) rmSync(join(dir, f), { force: true });
const first = await measure(process.execPath, [BIN, 'scan', coll, '--jobs', jobs, '--json', join(dir, 'full.json'), '--html', join(dir, 'full.html')], env);
if (first.code !== 0) throw new Error(`scan failed: ${first.err}`);
const rescan = await measure(process.execPath, [BIN, 'scan', coll, '--jobs', jobs, '--json', join(dir, 'full.json'), '--html', join(dir, 'full.html')], env);

// The baseline, as a technician would script it with 7-Zip.
const seven = sevenZip();
const script = join(dir, 'baseline.sh');
writeFileSync(script, `#!/bin/sh
for img in "$@"; do
  ${seven} l -slt "$img" > /tmp/discrun-bench-list.txt
  grep -i '^Path = .*\\.\\(exe\\|dll\\|com\\)$' /tmp/discrun-bench-list.txt | sed 's/^Path = //' | while read -r f; do
    ${seven} e -so "$img" "$f" 2>/dev/null | head -c 4096 > /dev/null
  done
done
`);
const baseline = await measure('/bin/sh', [script, ...images], process.env);

const report = JSON.parse(readFileSync(join(dir, 'full.json'), 'utf8'));
if (report.summary.total !== images.length) throw new Error(`the scan reported ${report.summary.total} of ${images.length} images`);
console.log(`collection: ${images.length} images, ${fmtBytes(totalBytes)}; ${report.summary.ok} read, ${report.summary.errors} errors`);
console.log(`discrun scan (--jobs ${jobs}): ${(first.ms / 1000).toFixed(1)} s = ${(images.length / (first.ms / 1000)).toFixed(0)} images/s; 7-Zip baseline: ${(baseline.ms / 1000).toFixed(1)} s = ${(images.length / (baseline.ms / 1000)).toFixed(1)} images/s → ${(baseline.ms / first.ms).toFixed(1)}× (target ≥ 10×)`);
console.log(`rescan of the unchanged collection: ${(rescan.ms / 1000).toFixed(2)} s → ${(first.ms / rescan.ms).toFixed(1)}× faster than the first scan (${report.cached} from cache)`);
console.log(`peak memory: ${fmtBytes(halfRun.peak)} for ${halfCount} images, ${fmtBytes(first.peak)} for ${images.length} (${(first.peak / halfRun.peak).toFixed(2)}×)`);
console.log(JSON.stringify({ bench: 'scan', images: images.length, bytes: totalBytes, scanMs: first.ms, baselineMs: baseline.ms, ratio: baseline.ms / first.ms, rescanMs: rescan.ms, rescanRatio: first.ms / rescan.ms, peakHalf: halfRun.peak, halfImages: halfCount, peakFull: first.peak }));
