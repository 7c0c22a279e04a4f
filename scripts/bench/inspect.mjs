// discrun inspect (in-process) vs the 7-Zip route: `7z l -slt` plus `7z e -so` of each executable's
// header, on one 650 MB disc and 100 small ones. Prints per-disc ratios and bytes read.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE, ROOT, ensureBuilt, fmtBytes, median, sevenZip, xorriso } from './lib.mjs';

ensureBuilt();
const { inspectPath } = await import(join(ROOT, 'dist', 'fingerprint', 'inspect.js'));
const CORPUS = process.env.DISCRUN_CORPUS ?? join(ROOT, '..', 'shared', 'corpus');
const dir = join(CACHE, 'inspect');
mkdirSync(dir, { recursive: true });
const c = (p) => readFileSync(join(CORPUS, p));

const kinds = [
  () => ({ 'AUTORUN.INF': '[autorun]\r\nopen=START.EXE\r\n', 'START.EXE': c('projector_director/D404win_RUNTESTS.EXE'), 'DATA/SHARED.DIR': c('director/D4win_SHARED.DIR') }),
  () => ({ 'AUTORUN.INF': '[autorun]\nopen = setup\\autorun.exe\n', 'SETUP/AUTORUN.EXE': c('pe32_old/3DMM_cd3_AUTORUN.EXE'), '3DMOVIE/3DMOVIE.EXE': c('pe32_old/3DMM_3DMOVIE.EXE') }),
  () => ({ 'index.htm': '<embed src="a.swf">', 'a.swf': c('swf/v7_CWS_AS2_extends_chain.swf') }),
  () => ({ 'AUTORUN.INF': '[autorun]\nopen=MMCAT.EXE\n', 'MMCAT.EXE': c('ne16/3DMM_MMCAT_VB3.EXE') }),
  () => ({ 'JEU.EXE': c('dos/v2.0_FC.EXE'), 'INTRO.STK': 'stk' }),
];

function buildTree(root, files, filler) {
  rmSync(root, { recursive: true, force: true });
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), content);
  }
  for (let i = 0; i < filler.count; i++) {
    const d = join(root, 'MEDIA', `D${i % 20}`);
    mkdirSync(d, { recursive: true });
    const b = Buffer.alloc(filler.size);
    b.writeUInt32LE(i, 0);
    writeFileSync(join(d, `CLIP${i}.AVI`), b);
  }
}

function disc(name, files, filler) {
  const iso = join(dir, name);
  if (!existsSync(iso)) {
    const src = join(dir, 'src');
    buildTree(src, files, filler);
    xorriso(src, iso, name.replace(/\W/g, '').slice(0, 16).toUpperCase());
    rmSync(src, { recursive: true, force: true });
  }
  return iso;
}

process.stderr.write('building discs (once)…\n');
const big = disc('big-650mb.iso', { ...kinds[0](), ...kinds[1]() }, { count: 650, size: 1 << 20 });
const small = [];
for (let i = 0; i < 100; i++) small.push(disc(`small-${String(i).padStart(3, '0')}.iso`, kinds[i % kinds.length](), { count: 20 + (i % 30), size: 40_000 }));

const seven = sevenZip();
function sevenZipRoute(iso) {
  const out = execFileSync(seven, ['l', '-slt', iso], { maxBuffer: 1 << 28, encoding: 'utf8' });
  const exes = [...out.matchAll(/^Path = (.+\.(?:exe|dll|com))$/gim)].map((m) => m[1]);
  for (const p of exes) {
    // 7-Zip can only hand a file over whole; keep its first 4 KiB as inspect would.
    const r = spawnSync(seven, ['e', '-so', iso, p], { maxBuffer: 1 << 30 });
    r.stdout.subarray(0, 4096);
  }
  return exes.length;
}

async function measure(iso, runs) {
  for (let i = 0; i < 10; i++) await inspectPath(iso, 'fr'); // warm, as in a long-running process
  const n = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await inspectPath(iso, 'fr');
    n.push(performance.now() - t0);
    bytes = r.stats.bytesRead;
  }
  const s = [];
  for (let i = 0; i < Math.max(1, Math.floor(runs / 2)); i++) {
    const t0 = performance.now();
    sevenZipRoute(iso);
    s.push(performance.now() - t0);
  }
  return { nativeMs: median(n), sevenMs: median(s), bytes };
}

// Warm the JIT across kinds of disc, as the daemon or a scan would be.
for (let i = 0; i < 3; i++) for (const iso of small.slice(0, 10)) await inspectPath(iso, 'fr');

const bigR = await measure(big, 5);
console.log(`650 MB disc: discrun ${bigR.nativeMs.toFixed(1)} ms, 7-Zip route ${bigR.sevenMs.toFixed(1)} ms, ratio ${(bigR.sevenMs / bigR.nativeMs).toFixed(1)}×, read ${fmtBytes(bigR.bytes)}`);

let nTotal = 0;
let sTotal = 0;
let maxBytes = 0;
const ratios = [];
for (const iso of small) {
  const r = await measure(iso, 3);
  nTotal += r.nativeMs;
  sTotal += r.sevenMs;
  maxBytes = Math.max(maxBytes, r.bytes);
  ratios.push(r.sevenMs / r.nativeMs);
}
ratios.sort((a, b) => a - b);
console.log(`100 small discs: discrun ${nTotal.toFixed(0)} ms in all, 7-Zip route ${sTotal.toFixed(0)} ms, ratio ${(sTotal / nTotal).toFixed(1)}× (per disc: min ${ratios[0].toFixed(1)}×, median ${ratios[50].toFixed(1)}×), most bytes read by one disc ${fmtBytes(maxBytes)}`);
console.log(JSON.stringify({ bench: 'inspect', big: { ...bigR, ratio: bigR.sevenMs / bigR.nativeMs }, small: { nativeMs: nTotal, sevenMs: sTotal, ratio: sTotal / nTotal, minRatio: ratios[0], medianRatio: ratios[50], maxBytes } }));
