import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';

export const BIN = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'bin.js');

/** Directories of a pretend user, so tests never touch the real ones and can inspect every write. */
export function userEnv(base: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('XDG_') && k !== 'DISPLAY' && k !== 'WAYLAND_DISPLAY') env[k] = v;
  for (const d of ['home', 'data', 'state', 'cache', 'config', 'run']) mkdirSync(join(base, d), { recursive: true, mode: 0o700 });
  return {
    ...env,
    HOME: join(base, 'home'),
    XDG_DATA_HOME: join(base, 'data'),
    XDG_STATE_HOME: join(base, 'state'),
    XDG_CACHE_HOME: join(base, 'cache'),
    XDG_CONFIG_HOME: join(base, 'config'),
    XDG_RUNTIME_DIR: join(base, 'run'),
    DISCRUN_SYSTEM_PROFILES: join(base, 'etc-profiles'),
    // wineboot takes 10–20 s: test files share one template prefix.
    DISCRUN_WINE_TEMPLATES: join(tmpdir(), 'discrun-test-wine-templates'),
    LANG: 'fr_FR.UTF-8',
    ...extra,
  };
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
  json: Record<string, unknown>;
}

export function cli(args: string[], env: Record<string, string>, timeoutMs = 180_000): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env, timeout: timeoutMs });
  let json: Record<string, unknown> = {};
  if (args.includes('--json')) {
    try {
      json = JSON.parse(r.stdout);
    } catch {
      json = {};
    }
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

export function cliAsync(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (status, signal) => resolve({ status, signal, stdout, stderr })),
  );
  return { child, done };
}

/** The report the probe wrote, as key=value pairs. */
export function parseReport(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^([a-z_0-9]+)=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

export function probeReport(prefix: string): Record<string, string> {
  return parseReport(readFileSync(join(prefix, 'drive_c', 'probe', 'report.txt'), 'latin1'));
}

/** Processes whose command line or environment mentions `marker` (a test's private directory). */
export function processesMentioning(marker: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    if (Number(pid) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      const env = readFileSync(`/proc/${pid}/environ`, 'latin1');
      if (cmd.includes(marker) || env.includes(marker)) out.push(`${pid} ${cmd.replace(/\0/g, ' ').slice(0, 120)}`);
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

export async function waitFor(pred: () => boolean, ms: number, step = 200): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, step));
  }
  return pred();
}

/** Decodes an 8-bit RGB/RGBA PNG (all five filters), enough to look at screenshot pixels. */
export function decodePng(buf: Buffer): { width: number; height: number; pixel: (x: number, y: number) => [number, number, number] } {
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let p = 8;
  let width = 0;
  let height = 0;
  let channels = 3;
  const idat: Buffer[] = [];
  while (p < buf.length) {
    const len = buf.readUInt32BE(p);
    const type = buf.toString('latin1', p + 4, p + 8);
    const data = buf.subarray(p + 8, p + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8) throw new Error('only 8-bit PNGs');
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : data[9] === 0 ? 1 : 0;
      if (!channels || data[12] !== 0) throw new Error('unsupported PNG colour type or interlacing');
    } else if (type === 'IDAT') idat.push(data);
    p += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const img = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= channels ? img[y * stride + x - channels]! : 0;
      const b = y > 0 ? img[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? img[(y - 1) * stride + x - channels]! : 0;
      let pred = 0;
      if (f === 1) pred = a;
      else if (f === 2) pred = b;
      else if (f === 3) pred = (a + b) >> 1;
      else if (f === 4) {
        const pa = Math.abs(b - c);
        const pb = Math.abs(a - c);
        const pc = Math.abs(a + b - 2 * c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      img[y * stride + x] = (v + pred) & 0xff;
    }
  }
  return {
    width,
    height,
    pixel: (x, y) => {
      const o = y * stride + x * channels;
      return channels === 1 ? [img[o]!, img[o]!, img[o]!] : [img[o]!, img[o + 1]!, img[o + 2]!];
    },
  };
}
