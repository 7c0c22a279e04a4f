// Catalogue of 5,000 generated title profiles: load time (cold YAML parse and cached index) and
// match time per disc, against a naive matcher that checks every profile (the peer in this run).
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE, ROOT, ensureBuilt, median, xorriso } from './lib.mjs';

ensureBuilt();
const { loadCatalogue, SHIPPED_PROFILES } = await import(join(ROOT, 'dist', 'profiles', 'load.js'));
const { ProfileIndex, matchDisc } = await import(join(ROOT, 'dist', 'profiles', 'match.js'));
const { openDisc } = await import(join(ROOT, 'dist', 'disc', 'index.js'));
const { inspectDisc } = await import(join(ROOT, 'dist', 'fingerprint', 'inspect.js'));

const N = Number(process.env.BENCH_PROFILES ?? 5000);
const dir = join(CACHE, 'match');
const cat = join(dir, 'catalogue');
const cacheFile = join(dir, 'index.json');
rmSync(dir, { recursive: true, force: true });
mkdirSync(cat, { recursive: true });
import { createHash } from 'node:crypto';
const hex = (i, salt) => ((i * 2654435761 + salt) >>> 0).toString(16).padStart(8, '0').repeat(4);
const md5 = (b) => createHash('md5').update(b.subarray(0, 5000)).digest('hex');
// Profile 4242 describes the disc built below, with its real checksums.
const exe4242 = Buffer.alloc(14242, 1);
const common4242 = Buffer.alloc(5000 + (4242 % 13), 2);
for (let i = 0; i < N; i++) {
  const pub = `editeur-${i % 40}`;
  mkdirSync(join(cat, pub), { recursive: true });
  writeFileSync(join(cat, pub, `titre-${i}.yaml`), `kind: title
id: ${pub}-titre-${i}
title: Titre ${i}
publisher: Éditeur ${i % 40}
year: ${1993 + (i % 20)}
language: fr
runner: wine
match:
  label: DISC_${i}
  files:
    - { path: PROG${i % 97}/TITRE${i}.EXE, size: ${10_000 + i}, md5: "${i === 4242 ? md5(exe4242) : hex(i, 1)}" }
    - { path: DATA/COMMUN.DAT, size: ${5000 + (i % 13)}, md5: "${i === 4242 ? md5(common4242) : hex(i, 2)}" }
wine:
  windowsVersion: win98
status: untested
`);
}
// A disc that matches profile #4242's files, and one that matches nothing.
const src = join(dir, 'disc');
mkdirSync(join(src, 'PROG71'), { recursive: true });
mkdirSync(join(src, 'DATA'), { recursive: true });
writeFileSync(join(src, 'PROG71', 'TITRE4242.EXE'), exe4242);
writeFileSync(join(src, 'DATA', 'COMMUN.DAT'), common4242);
for (let i = 0; i < 200; i++) writeFileSync(join(src, 'DATA', `F${i}.BIN`), Buffer.alloc(100 + i));
const iso = xorriso(src, join(dir, 'disc.iso'), 'DISC_4242');

const dirs = [{ path: SHIPPED_PROFILES, origin: 'shipped' }, { path: cat, origin: 'user' }];
let t0 = performance.now();
const cold = await loadCatalogue({ dirs, cacheFile });
const coldMs = performance.now() - t0;
const warm = [];
let loaded;
for (let i = 0; i < 5; i++) {
  t0 = performance.now();
  loaded = await loadCatalogue({ dirs, cacheFile });
  warm.push(performance.now() - t0);
}
t0 = performance.now();
const index = new ProfileIndex(loaded);
const indexMs = performance.now() - t0;

const disc = await openDisc(iso);
const insp = await inspectDisc(disc, 'fr');
const times = [];
let result;
for (let i = 0; i < 50; i++) {
  t0 = performance.now();
  result = await matchDisc(index, insp, disc);
  times.push(performance.now() - t0);
}
// Peer: the same rules checked against every title profile, no index.
const naive = [];
const files = (await disc.list()).filter((e) => !e.isDir);
for (let i = 0; i < 5; i++) {
  t0 = performance.now();
  let hits = 0;
  for (const p of loaded.profiles) {
    if (p.profile.kind !== 'title') continue;
    let ok = true;
    for (const f of p.profile.match.files ?? []) {
      const e = await disc.stat(f.path);
      if (!e || (f.size !== undefined && e.size !== f.size)) { ok = false; break; }
    }
    if (ok) hits++;
  }
  naive.push(performance.now() - t0);
}
await disc.close();
console.log(`${cold.profiles.length} profiles (${N} titles): cold load ${coldMs.toFixed(0)} ms, cached load ${median(warm).toFixed(0)} ms (+ index ${indexMs.toFixed(1)} ms)`);
console.log(`match: ${median(times).toFixed(2)} ms per disc (chose ${result.profile?.id}); naive scan of every profile ${median(naive).toFixed(2)} ms → ${(median(naive) / median(times)).toFixed(1)}× faster; ${files.length} files on the disc`);
console.log(JSON.stringify({ bench: 'match', profiles: cold.profiles.length, coldLoadMs: coldMs, cachedLoadMs: median(warm), indexMs, matchMs: median(times), naiveMs: median(naive), chosen: result.profile?.id }));
