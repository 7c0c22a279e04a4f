// discrun launch against the engines started by hand, in the same run:
//  - Wine: an already-prepared disc vs bare `wine D:\PROBE.EXE` in an existing prefix (target ≤ 1.3×),
//    and the first launch of a new disc vs a fresh `wineboot` (target ≥ 4× faster).
//  - DOSBox: discrun vs a hand-written `dosbox -conf`; Ruffle: time to the first rendered frame.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE, ROOT, ensureBuilt, median, xorriso } from './lib.mjs';

ensureBuilt();
const BIN = join(ROOT, 'dist', 'cli', 'bin.js');
const dir = join(CACHE, 'launch');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const env = {
  ...process.env,
  HOME: join(dir, 'home'),
  XDG_DATA_HOME: join(dir, 'data'),
  XDG_CACHE_HOME: join(dir, 'cache'),
  XDG_STATE_HOME: join(dir, 'state'),
  XDG_CONFIG_HOME: join(dir, 'config'),
  XDG_RUNTIME_DIR: join(dir, 'run'),
  DISCRUN_WINEDEBUG: '-all',
  LANG: 'C.UTF-8',
};
for (const d of ['home', 'run']) mkdirSync(env[d === 'home' ? 'HOME' : 'XDG_RUNTIME_DIR'], { recursive: true });

// One Xvfb for everybody, so that neither side pays for a display.
const xvfb = spawn('Xvfb', [':77', '-screen', '0', '1024x768x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 800));
env.DISPLAY = ':77';

const probeSrc = join(ROOT, 'test', 'fixtures', 'probe.c');
const probeExe = join(dir, 'PROBE.EXE');
execFileSync('x86_64-w64-mingw32-gcc', ['-O2', '-s', '-static', '-o', probeExe, probeSrc, '-lws2_32', '-lgdi32']);
function disc(name) {
  const src = join(dir, `src-${name}`);
  mkdirSync(join(src, 'DATA'), { recursive: true });
  cpSync(probeExe, join(src, 'PROBE.EXE'));
  writeFileSync(join(src, 'AUTORUN.INF'), '[autorun]\r\nopen=PROBE.EXE\r\n');
  writeFileSync(join(src, 'DATA', 'HELLO.TXT'), `hello ${name}\r\n`);
  writeFileSync(join(src, 'ID.TXT'), name);
  return { src, iso: xorriso(src, join(dir, `${name}.iso`), name.toUpperCase().slice(0, 16)) };
}
const time = (fn) => {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
};
const launch = (iso) => {
  const r = spawnSync(process.execPath, [BIN, 'launch', '--json', iso], { env, encoding: 'utf8' });
  const j = JSON.parse(r.stdout);
  if (j.outcome !== 'exited') throw new Error(`launch: ${r.stdout}${r.stderr}`);
  return j;
};

// Prepare: template built, disc launched once.
const prepared = disc('prepared');
const first = launch(prepared.iso);
const prefix = first.prefix;

// Peer: bare Wine in an existing prefix with D: pointing at the same files.
const bare = join(dir, 'bare-prefix');
cpSync(prefix, bare, { recursive: true, verbatimSymlinks: true });
rmSync(join(bare, 'dosdevices', 'd:'), { force: true });
symlinkSync(prepared.src, join(bare, 'dosdevices', 'd:'));
const wineEnv = { ...env, WINEPREFIX: bare, WINELOADER: '/usr/lib/wine/wine64', WINEDEBUG: '-all' };
const bareRun = () => spawnSync('/usr/lib/wine/wine64', ['D:\\PROBE.EXE'], { env: wineEnv, cwd: prepared.src, stdio: 'ignore' });
bareRun();
const discrunT = [];
const bareT = [];
for (let i = 0; i < 7; i++) {
  discrunT.push(time(() => launch(prepared.iso)));
  bareT.push(time(() => {
    bareRun();
    spawnSync('/usr/lib/wine/wineserver', ['-w'], { env: wineEnv });
  }));
}
const prepRatio = median(discrunT) / median(bareT);
console.log(`Wine, prepared disc: discrun launch ${median(discrunT).toFixed(0)} ms, bare wine ${median(bareT).toFixed(0)} ms → overhead ${prepRatio.toFixed(2)}× (target ≤ 1.3×)`);

// First launch of a never-seen disc vs a fresh wineboot. After each new disc discrun copies the
// template into a spare prefix in the background; measured here both ready (the usual case) and
// absent (two new discs within seconds).
const templates = join(env.XDG_DATA_HOME, 'discrun', 'wine-templates');
const spareReady = async () => {
  for (let i = 0; i < 300; i++) {
    const spare = (await import('node:fs')).readdirSync(templates).find((n) => n.endsWith('.spare'));
    const building = (await import('node:fs')).readdirSync(templates).some((n) => n.includes('.spare.tmp-'));
    if (spare && !building) return join(templates, spare);
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
};
const firstT = [];
const coldT = [];
const bootT = [];
for (let i = 0; i < 3; i++) {
  const spare = await spareReady();
  const d = disc(`fresh${i}`);
  firstT.push(time(() => launch(d.iso)));
  await spareReady();
  if (spare) rmSync(spare, { recursive: true, force: true });
  const c = disc(`cold${i}`);
  coldT.push(time(() => launch(c.iso)));
  await spareReady();
  const p = join(dir, `boot-${i}`);
  bootT.push(time(() => {
    spawnSync('/usr/lib/wine/wine64', ['wineboot', '-i'], { env: { ...wineEnv, WINEPREFIX: p, WINEARCH: 'win64', WINEDLLOVERRIDES: 'mscoree,mshtml=' }, stdio: 'ignore' });
    spawnSync('/usr/lib/wine/wineserver', ['-w'], { env: { ...wineEnv, WINEPREFIX: p } });
  }));
}
const firstRatio = median(bootT) / median(firstT);
console.log(`Wine, first launch of a new disc: discrun ${median(firstT).toFixed(0)} ms with the spare prefix ready (${median(coldT).toFixed(0)} ms copying the template), fresh wineboot alone ${median(bootT).toFixed(0)} ms → ${firstRatio.toFixed(1)}× faster (${(median(bootT) / median(coldT)).toFixed(1)}× when copying; target ≥ 4×)`);

const results = { bench: 'launch', wine: { preparedMs: median(discrunT), bareMs: median(bareT), overhead: prepRatio, firstMs: median(firstT), firstColdMs: median(coldT), winebootMs: median(bootT), firstSpeedup: firstRatio } };
const extra = join(ROOT, 'scripts', 'bench', 'launch-engines.mjs');
if (existsSync(extra)) Object.assign(results, await (await import(extra)).benchEngines({ dir, env, BIN }));
xvfb.kill();
console.log(JSON.stringify(results));
