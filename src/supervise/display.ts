import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { findExecutable } from '../util/which.js';
import { encodePng, xwdToRgb } from './png.js';

export interface Display {
  /** e.g. ":99" */
  name: string;
  /** Unix socket of the X server, to pass into the sandbox. */
  socket: string;
  xauthority: string | null;
  /** True when discrun started this X server and must stop it. */
  owned: boolean;
  close(): Promise<void>;
}

/**
 * The desktop's display when there is one; otherwise a private Xvfb (headless machines, smoke
 * tests, bulk scans). Xvfb picks a free display number itself (-displayfd).
 */
export async function acquireDisplay(opts: { headless?: boolean; size?: string } = {}): Promise<Display> {
  const current = process.env.DISPLAY;
  if (!opts.headless && current) {
    const n = /:(\d+)/.exec(current)?.[1];
    return { name: current, socket: n ? `/tmp/.X11-unix/X${n}` : '', xauthority: process.env.XAUTHORITY ?? null, owned: false, close: async () => {} };
  }
  const xvfb = await findExecutable('Xvfb');
  if (!xvfb) throw new Error('Xvfb is not installed');
  // setpriv makes the kernel stop Xvfb if discrun itself is killed: no server is left behind.
  const setpriv = await findExecutable('setpriv');
  const cmd = setpriv ? [setpriv, '--pdeathsig', 'TERM', '--', xvfb] : [xvfb];
  const proc = spawn(cmd[0]!, [...cmd.slice(1), '-displayfd', '3', '-screen', '0', `${opts.size ?? '1024x768'}x24`, '-nolisten', 'tcp', '-noreset'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const number = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not start')), 15_000);
    proc.stdio[3]!.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) {
        clearTimeout(timer);
        resolve(buf.trim());
      }
    });
    proc.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error('Xvfb exited'));
    });
  });
  const socket = `/tmp/.X11-unix/X${number}`;
  for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 20));
  return {
    name: `:${number}`,
    socket,
    xauthority: null,
    owned: true,
    close: async () => {
      if (proc.exitCode !== null) return;
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    },
  };
}

/** A PNG of the whole screen. */
export async function screenshot(display: Display, out: string): Promise<void> {
  const xwd = await findExecutable('xwd');
  if (!xwd) throw new Error('xwd is not installed (x11-apps)');
  const env: Record<string, string> = { DISPLAY: display.name };
  if (display.xauthority) env.XAUTHORITY = display.xauthority;
  const r = await execa(xwd, ['-root', '-silent'], { env, encoding: 'buffer', timeout: 15_000 });
  const { width, height, rgb } = xwdToRgb(Buffer.from(r.stdout as Uint8Array));
  await writeFile(out, encodePng(width, height, rgb));
}
