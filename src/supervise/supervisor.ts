import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Logger } from '../log.js';
import type { LaunchPlan } from '../runners/types.js';
import { bwrapArgs, sandboxEnv } from '../sandbox/policy.js';
import { findExecutable } from '../util/which.js';
import { screenshot, type Display } from './display.js';

export type Outcome = 'exited' | 'ran' | 'crashed' | 'refused';
export type StopReason = 'exit' | 'timeout' | 'signal' | 'disc-removed';

export interface SuperviseOptions {
  sandbox: boolean;
  timeoutSec?: number;
  screenshotPath?: string;
  display: Display | null;
  logFile: string;
  /** Polled every second: true when the disc went away (ejected, unmounted, image deleted). */
  discGone?: () => Promise<boolean>;
  signal?: AbortSignal;
  log: Logger;
  /** Grace period between TERM and KILL when stopping. */
  graceMs?: number;
}

export interface SuperviseResult {
  outcome: Exclude<Outcome, 'refused'>;
  exitCode: number | null;
  stopReason: StopReason;
  seconds: number;
  screenshot: string | null;
  detail?: string;
}

/**
 * Runs a plan in the foreground until the program and every process it started have exited.
 * Output goes to the run's log. Stopping (timeout, signal, disc removed) sends TERM to the
 * runner's script, which stops its engine cleanly; whatever is left is killed after a grace
 * period, and bubblewrap's PID namespace guarantees nothing survives it.
 */
export async function supervise(plan: LaunchPlan, o: SuperviseOptions): Promise<SuperviseResult> {
  const started = performance.now();
  const out = createWriteStream(o.logFile, { flags: 'a' });
  out.write(`# ${new Date().toISOString()} ${plan.description}\n`);
  let argv: string[];
  let env: NodeJS.ProcessEnv;
  const infoFd = o.sandbox;
  if (o.sandbox) {
    const bwrap = await findExecutable('bwrap');
    argv = [bwrap!, '--info-fd', '3', ...bwrapArgs(plan.policy), ...plan.argv];
    env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  } else {
    argv = plan.argv;
    env = { ...process.env, ...sandboxEnv(plan.policy) };
  }
  o.log.info({ argv: plan.argv, sandbox: o.sandbox, runner: plan.runner }, 'starting');
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: o.sandbox ? '/' : plan.policy.cwd,
    env,
    detached: true, // own process group: the whole tree can be signalled
    stdio: ['ignore', 'pipe', 'pipe', ...(infoFd ? (['pipe'] as const) : [])],
  });
  child.stdout!.pipe(out, { end: false });
  child.stderr!.pipe(out, { end: false });
  let innerPid: number | null = null;
  if (infoFd) {
    let info = '';
    child.stdio[3]!.on('data', (d: Buffer) => {
      info += d.toString();
      const m = /"child-pid"\s*:\s*(\d+)/.exec(info);
      if (m) innerPid = Number(m[1]);
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (e) => {
      out.write(`# spawn error: ${e.message}\n`);
      resolve({ code: 127, signal: null });
    });
  });

  let stopReason: StopReason = 'exit';
  let shot: string | null = null;
  let stopping: Promise<void> | null = null;
  const stop = (reason: StopReason) => {
    if (stopping) return stopping;
    stopReason = reason;
    stopping = (async () => {
      if (o.screenshotPath && o.display) shot = await takeShot(o.display, o.screenshotPath, o.log);
      o.log.info({ reason }, 'stopping');
      // TERM to the runner's script lets it stop its engine. In the sandbox, bubblewrap's init
      // (pid 1 there) ignores TERM, so the signal goes to its children: the script.
      const targets = innerPid ? await childrenOf(innerPid) : [];
      try {
        if (targets.length) for (const p of targets) process.kill(p, 'SIGTERM');
        else if (child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const grace = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), o.graceMs ?? 8000))]);
      if (!grace && child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    })();
    return stopping;
  };

  const timers: NodeJS.Timeout[] = [];
  if (o.timeoutSec !== undefined) timers.push(setTimeout(() => void stop('timeout'), o.timeoutSec * 1000));
  if (o.discGone) {
    const poll = setInterval(() => {
      void o.discGone!().then((gone) => {
        if (gone) void stop('disc-removed');
      });
    }, 1000);
    timers.push(poll);
  }
  // An abort may say why: a daemon aborts with 'disc-removed' when the drive reports it.
  const onAbort = () => void stop(o.signal?.reason === 'disc-removed' ? 'disc-removed' : 'signal');
  o.signal?.addEventListener('abort', onAbort, { once: true });
  if (o.signal?.aborted) onAbort();

  const { code, signal } = await exited;
  for (const t of timers) clearTimeout(t), clearInterval(t);
  o.signal?.removeEventListener('abort', onAbort);
  if (stopping) await stopping;
  // The program ended by itself: a screenshot of what is left is still asked for.
  if (!stopping && o.screenshotPath && o.display) shot = await takeShot(o.display, o.screenshotPath, o.log);
  child.stdout!.unpipe(out);
  child.stderr!.unpipe(out);
  const exitCode = code ?? (signal ? 128 : null);
  out.write(`# exit ${exitCode} (${stopReason})\n`);
  await new Promise((r) => out.end(r));

  let outcome: SuperviseResult['outcome'];
  let detail: string | undefined;
  if (stopReason === 'exit') {
    const check = plan.success ? await plan.success(exitCode) : { ok: exitCode === 0 };
    outcome = check.ok ? 'exited' : 'crashed';
    detail = check.detail;
  } else outcome = 'ran';
  await plan.after?.(exitCode);
  // An engine that exits 0 whatever happened (DOSBox) still reports a failed program as an error.
  const reported = outcome === 'crashed' && exitCode === 0 ? 1 : exitCode;
  return { outcome, exitCode: reported, stopReason, seconds: (performance.now() - started) / 1000, screenshot: shot, ...(detail ? { detail } : {}) };
}

async function childrenOf(pid: number): Promise<number[]> {
  try {
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return text.trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function takeShot(display: Display, path: string, log: Logger): Promise<string | null> {
  try {
    await screenshot(display, path);
    return path;
  } catch (e) {
    log.warn({ err: e }, 'screenshot failed');
    return null;
  }
}
