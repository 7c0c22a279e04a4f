import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { execa } from 'execa';
import { findExecutable } from '../util/which.js';
import type { Display } from '../supervise/display.js';

/**
 * What a launched program may touch. Network is off by construction (there is no field to turn
 * it on): the sandbox gets its own network namespace, loopback included.
 */
export interface SandboxPolicy {
  /** Host paths visible read-only at the same place (the disc, its extracted cache). */
  readOnly: string[];
  /** Host paths visible read-write (the disc's prefix or save directory, the run directory). */
  readWrite: string[];
  display: Display | null;
  sound: boolean;
  env: Record<string, string>;
  cwd: string;
}

/** Places that hold people's files: hidden behind empty tmpfs inside the sandbox. */
export function privatePlaces(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.HOME || homedir();
  const out = ['/home', '/root', '/media', '/mnt', '/run/media', '/srv', '/var/mail'];
  if (home && !out.some((p) => home === p || home.startsWith(p + '/'))) out.push(home);
  return out.filter((p) => existsSync(p));
}

const PASS_ENV = ['LANG', 'LANGUAGE', 'LC_ALL', 'LC_MESSAGES', 'LC_CTYPE', 'TZ', 'USER', 'LOGNAME'];

export function sandboxEnv(policy: SandboxPolicy): Record<string, string> {
  const env: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/games' };
  for (const k of PASS_ENV) if (process.env[k]) env[k] = process.env[k]!;
  if (policy.display) {
    env.DISPLAY = policy.display.name;
    if (policy.display.xauthority) env.XAUTHORITY = policy.display.xauthority;
  }
  const pulse = pulseSocket();
  if (policy.sound && pulse) env.PULSE_SERVER = `unix:${pulse}`;
  return { ...env, ...policy.env };
}

export function pulseSocket(): string | null {
  const rt = process.env.XDG_RUNTIME_DIR;
  const p = rt ? `${rt}/pulse/native` : null;
  return p && existsSync(p) ? p : null;
}

/** bubblewrap arguments that enforce a policy; the command follows them. */
export function bwrapArgs(policy: SandboxPolicy): string[] {
  const a = ['--unshare-all', '--die-with-parent', '--new-session', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--tmpfs', '/run'];
  for (const p of privatePlaces()) a.push('--tmpfs', p);
  for (const dev of ['/dev/dri', '/dev/snd']) if (existsSync(dev)) a.push('--dev-bind', dev, dev);
  for (const p of policy.readOnly) a.push('--ro-bind', p, p);
  for (const p of policy.readWrite) a.push('--bind', p, p);
  if (policy.display?.socket && existsSync(policy.display.socket)) a.push('--ro-bind', policy.display.socket, policy.display.socket);
  if (policy.display?.xauthority && existsSync(policy.display.xauthority)) a.push('--ro-bind', policy.display.xauthority, policy.display.xauthority);
  const pulse = pulseSocket();
  if (policy.sound && pulse) a.push('--ro-bind', pulse, pulse);
  a.push('--clearenv');
  for (const [k, v] of Object.entries(sandboxEnv(policy))) a.push('--setenv', k, v);
  a.push('--chdir', policy.cwd);
  return a;
}

const cached = new Map<string, { ok: boolean; version: string | null; reason?: string }>();

/** Is bubblewrap installed and allowed to create namespaces here? */
export async function sandboxAvailable(): Promise<{ ok: boolean; version: string | null; reason?: string }> {
  const bwrap = await findExecutable('bwrap');
  const key = bwrap ?? '';
  if (cached.has(key)) return cached.get(key)!;
  const r = await probeBwrap(bwrap);
  cached.set(key, r);
  return r;
}

async function probeBwrap(bwrap: string | null): Promise<{ ok: boolean; version: string | null; reason?: string }> {
  if (!bwrap) return { ok: false, version: null, reason: 'bwrap is not installed' };
  const v = await execa(bwrap, ['--version'], { reject: false });
  const probe = await execa(bwrap, ['--unshare-all', '--die-with-parent', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', 'true'], { reject: false, timeout: 10_000 });
  if (probe.exitCode !== 0) return { ok: false, version: String(v.stdout).trim(), reason: String(probe.stderr).trim() || 'bwrap cannot create namespaces' };
  return { ok: true, version: String(v.stdout).replace(/^bubblewrap\s*/, '').trim() };
}
