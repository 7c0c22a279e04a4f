import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectPath } from '../src/fingerprint/inspect.js';
import { buildIso, writeTree } from './helpers/images.js';
import { BIN, cli, processesMentioning, probeReport, userEnv, waitFor } from './helpers/launch.js';
import { probe } from './helpers/programs.js';
import { tempDir } from './helpers/tmp.js';

/* A real daemon process launching real Wine. Notifications go through a stand-in for notify-send
   with the same command-line interface: it records each message and answers "start" to questions. */
const base = tempDir('discrun-daemon-');
const media = join(base, 'media');
const isos = join(base, 'isos');
const notifyLog = join(base, 'notifications.log');
const notifySend = join(base, 'notify-send');
const mountinfo = join(base, 'mountinfo');
const env = userEnv(base, { DISCRUN_NOTIFY_SEND: notifySend, NOTIFY_LOG: notifyLog, DISCRUN_MOUNTINFO: mountinfo });
const prefixes = join(base, 'data', 'discrun', 'prefixes');
const statusPath = join(base, 'run', 'discrun', 'daemon.json');
let daemon: ChildProcess;
let daemonOut = '';
let probeDir: string;
let otherDir: string;

function status(): { running: Array<{ path: string }>; queued: Array<{ path: string }>; recent: Array<{ what: string; message: string; path: string }> } | null {
  try {
    return JSON.parse(readFileSync(statusPath, 'utf8'));
  } catch {
    return null;
  }
}

function startDaemon(extra: string[] = []): ChildProcess {
  const mounts = extra.includes('--mounts') ? [] : ['--no-mounts'];
  const child = spawn(process.execPath, [BIN, 'daemon', '--media-root', media, '--watch', isos, ...mounts, '--settle', '0.5', ...extra.filter((a) => a !== '--mounts')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (daemonOut += d));
  child.stderr!.on('data', (d) => (daemonOut += d));
  return child;
}

const exited = (c: ChildProcess) => new Promise<number | null>((r) => (c.exitCode !== null ? r(c.exitCode) : c.once('exit', (code) => r(code))));

function probeFolder(name: string, label: string, id: string): string {
  const dir = join(base, 'discs', name);
  writeTree(dir, { 'AUTORUN.INF': '[autorun]\r\nopen=PROBE.EXE --stay 120\r\n', 'PROBE.EXE': readFileSync(probe('x86_64')), 'DATA/HELLO.TXT': label, 'ID.TXT': id });
  return dir;
}

/** The probe writes its report line by line: it is complete at done=1. */
function reported(prefix: string): boolean {
  try {
    return probeReport(prefix).done === '1';
  } catch {
    return false;
  }
}

async function prefixOf(path: string): Promise<string> {
  return join(prefixes, (await inspectPath(path, 'fr')).fingerprint.id);
}

beforeAll(async () => {
  mkdirSync(media, { recursive: true });
  mkdirSync(isos, { recursive: true });
  writeFileSync(mountinfo, '22 1 0:21 / /proc rw,nosuid - proc proc rw\n');
  writeFileSync(notifySend, '#!/bin/sh\nprintf \'%s\\n\' "$*" >> "$NOTIFY_LOG"\ncase "$*" in *--wait*) echo start;; esac\n');
  chmodSync(notifySend, 0o755);
  probeDir = probeFolder('probe', 'un', '1');
  otherDir = probeFolder('other', 'deux', '2');
  daemon = startDaemon(['--mounts']);
  expect(await waitFor(() => status() !== null, 20_000)).toBe(true);
});

afterAll(async () => {
  if (daemon.exitCode === null) {
    daemon.kill('SIGTERM');
    await exited(daemon);
  }
});

describe('discrun daemon', () => {
  it('a disc folder copied into a media root starts (after asking, as its profile is untested); removing it stops the program', async () => {
    const prefix = await prefixOf(probeDir);
    cpSync(probeDir, join(media, 'DISQUE1'), { recursive: true });
    expect(await waitFor(() => reported(prefix), 90_000), daemonOut.slice(-3000)).toBe(true);
    expect(probeReport(prefix).done).toBe('1');
    expect(await waitFor(() => status()?.running.length === 1, 10_000)).toBe(true);
    expect(readFileSync(notifyLog, 'utf8')).toMatch(/--wait --action=start=Lancer --action=ignore=Ignorer/);
    rmSync(join(media, 'DISQUE1'), { recursive: true });
    expect(await waitFor(() => status()?.running.length === 0, 20_000)).toBe(true);
    expect(await waitFor(() => processesMentioning(prefix).length === 0, 20_000)).toBe(true);
    expect(status()!.recent.some((e) => e.what === 'removed')).toBe(true);
  });

  it('an ISO dropped into a watched folder starts', async () => {
    const iso = buildIso(otherDir, join(base, 'other.iso'), { label: 'AUTRE' });
    const prefix = await prefixOf(iso);
    cpSync(iso, join(isos, 'autre.iso'));
    expect(await waitFor(() => reported(prefix), 90_000), daemonOut.slice(-3000)).toBe(true);
    expect(probeReport(prefix).label).toBe('AUTRE');
    rmSync(join(isos, 'autre.iso'));
    expect(await waitFor(() => status()?.running.length === 0 && processesMentioning(prefix).length === 0, 20_000)).toBe(true);
  });

  it('a disc the desktop mounts (a new line in the mount table) starts; unmounting it stops the program', async () => {
    // No optical drive here: the kernel's mount table is replaced by a file in the same format.
    const mnt = join(base, 'run-media', 'PROBE_CD');
    cpSync(probeDir, mnt, { recursive: true });
    const prefix = await prefixOf(mnt);
    rmSync(join(prefix, 'drive_c', 'probe', 'report.txt'), { force: true });
    const line = `840 29 11:0 / ${mnt} ro,nosuid,nodev,relatime shared:459 - iso9660 /dev/sr0 ro,uid=1000,gid=1000,iocharset=utf8,mode=0400,dmode=0500\n`;
    writeFileSync(mountinfo, readFileSync(mountinfo, 'utf8') + line);
    expect(await waitFor(() => reported(prefix), 90_000), daemonOut.slice(-3000)).toBe(true);
    expect(probeReport(prefix).label).toBe('PROBE_CD');
    expect(status()!.running[0]).toMatchObject({ path: mnt, slot: 'drive:/dev/sr0' });
    writeFileSync(mountinfo, readFileSync(mountinfo, 'utf8').replace(line, ''));
    expect(await waitFor(() => status()?.running.length === 0 && processesMentioning(prefix).length === 0, 20_000)).toBe(true);
    expect(status()!.recent.find((e) => e.path === mnt && e.what === 'ran')?.message).toMatch(/retiré/);
  });

  it('a broken ISO gives a notification and the daemon keeps running', async () => {
    writeFileSync(join(isos, 'casse.iso'), Buffer.alloc(200_000, 0x5a));
    expect(await waitFor(() => /Disque illisible/.test(readFileSync(notifyLog, 'utf8')), 20_000)).toBe(true);
    expect(status()!.recent.find((e) => e.path.endsWith('casse.iso'))).toMatchObject({ what: 'unreadable', message: expect.stringMatching(/n'est pas une image de disque reconnue/) });
    expect(daemon.exitCode).toBeNull();
    rmSync(join(isos, 'casse.iso'));
  });

  it('a second disc in a busy slot waits and starts when the first one goes', async () => {
    const a = await prefixOf(probeDir);
    const b = await prefixOf(otherDir);
    for (const p of [a, b]) rmSync(join(p, 'drive_c', 'probe', 'report.txt'), { force: true });
    cpSync(probeDir, join(media, 'A'), { recursive: true });
    expect(await waitFor(() => reported(a), 90_000)).toBe(true);
    cpSync(otherDir, join(media, 'B'), { recursive: true });
    expect(await waitFor(() => status()?.queued.length === 1, 20_000)).toBe(true);
    expect(reported(b)).toBe(false);
    rmSync(join(media, 'A'), { recursive: true });
    expect(await waitFor(() => reported(b), 90_000), daemonOut.slice(-3000)).toBe(true);
    rmSync(join(media, 'B'), { recursive: true });
    expect(await waitFor(() => status()?.running.length === 0, 20_000)).toBe(true);
  });

  it('fifty rapid insert/remove cycles leave no process behind and no prefix broken', async () => {
    const prefix = await prefixOf(probeDir);
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) % 1000) / 1000;
    for (let i = 0; i < 50; i++) {
      const dest = join(media, `C${i}`);
      cpSync(probeDir, dest, { recursive: true });
      await new Promise((r) => setTimeout(r, 100 + rand() * 1400));
      rmSync(dest, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 50 + rand() * 200));
    }
    const quiet = await waitFor(() => status()?.running.length === 0 && status()?.queued.length === 0 && processesMentioning(prefix).length === 0, 60_000);
    expect(quiet, JSON.stringify(status()?.running) + processesMentioning(base).join('\n')).toBe(true);
    const strays = processesMentioning(base).filter((p) => !p.startsWith(`${daemon.pid} `) && !/notify-send/.test(p));
    expect(strays).toEqual([]);
    expect(existsSync(join(prefix, '.discrun-running'))).toBe(false);
    // The prefix still works.
    rmSync(join(prefix, 'drive_c', 'probe', 'report.txt'), { force: true });
    cpSync(probeDir, join(media, 'FINAL'), { recursive: true });
    expect(await waitFor(() => reported(prefix), 90_000)).toBe(true);
    expect(probeReport(prefix).label).toBe('FINAL');
    rmSync(join(media, 'FINAL'), { recursive: true });
    expect(await waitFor(() => status()?.running.length === 0, 20_000)).toBe(true);
  });

  it('discrun status shows the daemon; a second daemon is refused', async () => {
    const s = cli(['status'], env);
    expect(s.status).toBe(0);
    expect(s.stdout).toMatch(/Démon discrun actif/);
    expect(s.stdout).toContain(media);
    const second = startDaemon();
    expect(await exited(second)).toBe(1);
  });

  it('stops cleanly on SIGTERM, stopping its program and keeping its saves', async () => {
    const prefix = await prefixOf(probeDir);
    rmSync(join(prefix, 'drive_c', 'probe', 'report.txt'), { force: true });
    cpSync(probeDir, join(media, 'LAST'), { recursive: true });
    expect(await waitFor(() => reported(prefix), 90_000)).toBe(true);
    daemon.kill('SIGTERM');
    expect(await exited(daemon)).toBe(0);
    expect(existsSync(statusPath)).toBe(false);
    expect(existsSync(join(base, 'run', 'discrun', 'daemon.lock'))).toBe(false);
    expect(await waitFor(() => processesMentioning(prefix).length === 0, 20_000)).toBe(true);
    expect(Number(probeReport(prefix).launches)).toBeGreaterThan(1);
    expect(cli(['status'], env).status).toBe(3);
    // Structured logs went to stdout for journald.
    expect(daemonOut.split('\n').some((l) => l.startsWith('{') && JSON.parse(l).msg === 'daemon started')).toBe(true);
  });
});

describe('daemon configuration and installation', () => {
  it('a wrong config.yaml is reported with its line and column, and the daemon does not start', () => {
    const cfg = join(base, 'bad-config.yaml');
    writeFileSync(cfg, 'mounts: true\npolicy:\n  gold: sometimes\n');
    const r = cli(['daemon', '--config', cfg, '--no-mounts'], env, 20_000);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bad-config\.yaml est invalide : line 3:9: error: policy\.gold/);
  });

  it('install --user writes the service (or autostart entry) and the “Open with discrun” entry; uninstall removes them', () => {
    const home = join(base, 'home');
    const r = cli(['install', '--user'], env);
    expect(r.status, r.stderr).toBe(0);
    const unit = join(base, 'config', 'systemd', 'user', 'discrun.service');
    const opener = join(base, 'data', 'applications', 'discrun-open.desktop');
    expect(readFileSync(unit, 'utf8')).toMatch(/ExecStart=.* daemon/);
    expect(readFileSync(opener, 'utf8')).toMatch(/MimeType=application\/x-cd-image;/);
    expect(readFileSync(opener, 'utf8')).toMatch(/Exec=.* launch %f/);
    if (/autostart/.test(r.stdout)) expect(existsSync(join(base, 'config', 'autostart', 'discrun-daemon.desktop'))).toBe(true);
    expect(cli(['uninstall', '--user'], env).status).toBe(0);
    expect(existsSync(unit)).toBe(false);
    expect(existsSync(opener)).toBe(false);
    expect(existsSync(join(base, 'config', 'autostart', 'discrun-daemon.desktop'))).toBe(false);
    expect(existsSync(home)).toBe(true);
    void renameSync;
  });
});
