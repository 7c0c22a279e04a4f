// DOSBox and Ruffle parts of bench-launch: discrun against a hand-written `dosbox -conf`, and the
// time from `discrun launch` to Ruffle's first rendered frame.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, median, xorriso } from './lib.mjs';

export async function benchEngines({ dir, env, BIN }) {
  const out = {};
  // DOSBox: the DOS probe on an ISO.
  const src = join(dir, 'src-dos');
  mkdirSync(join(src, 'DATA'), { recursive: true });
  execFileSync('nasm', ['-f', 'bin', '-o', join(src, 'JEU.COM'), join(ROOT, 'test', 'fixtures', 'dosprobe.asm')]);
  writeFileSync(join(src, 'DATA', 'HELLO.TXT'), 'bonjour\r\n');
  const iso = xorriso(src, join(dir, 'dos.iso'), 'DOSBENCH');
  const cdir = join(dir, 'dos-c');
  mkdirSync(cdir, { recursive: true });
  const conf = join(dir, 'hand.conf');
  writeFileSync(conf, `[sdl]\noutput=surface\n[mixer]\nnosound=true\n[autoexec]\nmount c "${cdir}"\nimgmount d "${iso}" -t iso\nd:\nJEU.COM\nexit\n`);
  const time = (fn) => {
    const t0 = performance.now();
    fn();
    return performance.now() - t0;
  };
  const launch = (i) => {
    const r = spawnSync(process.execPath, [BIN, 'launch', '--json', i], { env, encoding: 'utf8' });
    return JSON.parse(r.stdout);
  };
  launch(iso);
  const d = [];
  const h = [];
  for (let i = 0; i < 7; i++) {
    d.push(time(() => launch(iso)));
    h.push(time(() => spawnSync('dosbox', ['-conf', conf, '-exit'], { env: { ...env, SDL_AUDIODRIVER: 'dummy' }, stdio: 'ignore' })));
  }
  out.dosbox = { discrunMs: median(d), handMs: median(h), overhead: median(d) / median(h) };
  console.log(`DOSBox: discrun launch ${median(d).toFixed(0)} ms, hand-written dosbox -conf ${median(h).toFixed(0)} ms → ${(median(d) / median(h)).toFixed(2)}×`);

  // Ruffle: time from the command to the first frame Ruffle rendered (reported by the page).
  const fsrc = join(dir, 'src-flash');
  mkdirSync(fsrc, { recursive: true });
  writeFileSync(join(fsrc, 'ANIM.SWF'), readFileSync(join(ROOT, '..', 'shared', 'corpus', 'swf', 'v7_CWS_AS2_extends_chain.swf')));
  const fiso = xorriso(fsrc, join(dir, 'flash.iso'), 'FLASHBENCH');
  const frames = [];
  const loads = [];
  for (let i = 0; i < 5; i++) {
    const t0 = Date.now();
    const r = JSON.parse(spawnSync(process.execPath, [BIN, 'launch', '--json', '--timeout', '6', fiso], { env, encoding: 'utf8' }).stdout);
    const log = readFileSync(r.log, 'utf8');
    // The server stamps each event with the wall clock when the page reports it.
    const frame = /discrun-ruffle frame ms=(\d+) at=(\d+)/.exec(log);
    if (frame) {
      frames.push(Number(frame[2]) - t0);
      loads.push(Number(frame[1]));
    }
  }
  out.ruffle = { firstFrameMs: median(frames), pageToFrameMs: median(loads) };
  console.log(`Ruffle: first rendered frame ${median(frames)} ms after the command (of which ${median(loads)} ms from the page opening to the frame: Ruffle's wasm loading)`);
  return out;
}
