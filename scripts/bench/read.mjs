// Native reader vs `7z l -slt`: time to list every entry of each image, and bytes read.
// The native reader is timed warm (after 10 runs), as it runs inside the daemon and scan processes;
// 7-Zip is a fresh process per image, which is how a script would use it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE, ROOT, ensureBuilt, fmtBytes, sevenZip, time, writeBulkTree, xorriso } from './lib.mjs';

ensureBuilt();
const { openDisc } = await import(join(ROOT, 'dist', 'disc', 'index.js'));
const dir = join(CACHE, 'read');
mkdirSync(dir, { recursive: true });

function image(name, build) {
  const p = join(dir, name);
  if (!existsSync(p)) {
    process.stderr.write(`building ${name}…\n`);
    build(p);
  }
  return p;
}

function tree(name, spec) {
  const t = join(dir, `${name}-src`);
  rmSync(t, { recursive: true, force: true });
  writeBulkTree(t, spec);
  return t;
}

const images = [
  image('small-joliet.iso', (p) => xorriso(tree('small', { count: 40, dirs: 4, bytes: 4 << 20 }), p, 'SMALL')),
  image('medium-joliet.iso', (p) => xorriso(tree('medium', { count: 600, dirs: 30, bytes: 60 << 20 }), p, 'MEDIUM')),
  image('udf-bridge.iso', (p) => execFileSync('genisoimage', ['-quiet', '-V', 'UDF', '-J', '-r', '-udf', '-o', p, tree('udf', { count: 300, dirs: 12, bytes: 20 << 20 })])),
  image('large-2500-files.iso', (p) => xorriso(tree('large', { count: 2500, dirs: 100, bytes: 320 << 20 }), p, 'LARGE')),
];
for (const d of ['small', 'medium', 'udf', 'large']) rmSync(join(dir, `${d}-src`), { recursive: true, force: true });

const seven = sevenZip();
const rows = [];
async function listNative(img) {
  const disc = await openDisc(img);
  const entries = await disc.list();
  const bytes = disc.bytesRead;
  await disc.close();
  return { entries: entries.length, bytes };
}
// Warm the JIT on every image once, as a long-running process would be.
for (let i = 0; i < 20; i++) for (const img of images) await listNative(img);
for (const img of images) {
  const size = statSync(img).size;
  const native = await time(() => listNative(img), { runs: 21, warmup: 3 });
  const peer = await time(() => {
    const out = execFileSync(seven, ['l', '-slt', img], { maxBuffer: 1 << 28, encoding: 'utf8' });
    return (out.match(/^Path = /gm) ?? []).length - 1;
  }, { runs: 5 });
  rows.push({
    image: img.split('/').pop(),
    size,
    entries: native.result.entries,
    sevenZipEntries: peer.result,
    nativeMs: +native.ms.toFixed(2),
    sevenZipMs: +peer.ms.toFixed(2),
    ratio: +(peer.ms / native.ms).toFixed(1),
    bytesRead: native.result.bytes,
    bytesReadPct: +((100 * native.result.bytes) / size).toFixed(3),
  });
}

console.log('image                      size        entries  native ms  7z l -slt ms  ratio   bytes read (%)');
for (const r of rows) {
  console.log(
    `${r.image.padEnd(26)} ${fmtBytes(r.size).padStart(10)} ${String(r.entries).padStart(8)} ${r.nativeMs.toFixed(2).padStart(10)} ${r.sevenZipMs.toFixed(2).padStart(13)} ${(r.ratio + '×').padStart(7)}   ${fmtBytes(r.bytesRead)} (${r.bytesReadPct}%)`,
  );
}
const worst = Math.min(...rows.map((r) => r.ratio));
const large = rows.find((r) => r.image.startsWith('large'));
console.log(`\nslowest ratio ${worst}× (target ≥ 10×); large image read ${large.bytesReadPct}% of its bytes (target < 1%)`);
console.log(JSON.stringify({ bench: 'read', rows, worstRatio: worst, largeBytesPct: large.bytesReadPct }));
