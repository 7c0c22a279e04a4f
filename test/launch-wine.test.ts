import { cpSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectPath } from '../src/fingerprint/inspect.js';
import { detectWine } from '../src/runners/wine/install.js';
import { buildIso, writeTree } from './helpers/images.js';
import { cli, cliAsync, decodePng, probeReport, processesMentioning, userEnv, waitFor } from './helpers/launch.js';
import { probe } from './helpers/programs.js';
import { tempDir } from './helpers/tmp.js';

/*
 * Real Wine, real bubblewrap, real Xvfb. The probe (test/fixtures/probe.c) is built for x86-64:
 * machines of this kind run 64-bit user code only (no IA-32 emulation), so 32-bit Windows code
 * cannot execute here; the 32-bit case is tested for the clear refusal it must give.
 */
const base = tempDir('discrun-wine-');
const env = userEnv(base);
let server: Server;
let port = 0;
let connections = 0;
let disc: string;
let discDir: string;
let prefix: string;

function probeDisc(name: string, label: string, autorun: string, extra: Record<string, string | Buffer> = {}): { dir: string; iso: string } {
  const dir = join(base, `src-${name}`);
  writeTree(dir, { 'AUTORUN.INF': `[autorun]\r\nopen=${autorun}\r\n`, 'PROBE.EXE': readFileSync(probe('x86_64')), 'DATA/HELLO.TXT': `Bonjour de ${label}\r\n`, ...extra });
  return { dir, iso: buildIso(dir, join(base, `${name}.iso`), { label }) };
}

/** Windows NT's CD serial: byte-wise sums over the Joliet descriptor, computed here independently. */
function expectedSerial(iso: string): string {
  const img = readFileSync(iso);
  const svd = img.subarray(17 * 2048, 18 * 2048);
  expect(svd.toString('latin1', 1, 6)).toBe('CD001');
  expect(svd[0]).toBe(2);
  const s = [0, 0, 0, 0];
  for (let i = 0; i < 2048; i += 4) for (let k = 0; k < 4; k++) s[k] = (s[k]! + svd[i + k]!) & 0xff;
  return s.map((b) => b.toString(16).padStart(2, '0')).join('');
}

beforeAll(async () => {
  server = createServer((sock) => {
    connections++;
    sock.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
  writeFileSync(join(base, 'home', 'secret.txt'), 'secret of the teacher\n');
  const secret = `\\\\?\\unix${join(base, 'home', 'secret.txt').replace(/\//g, '\\')}`;
  const d = probeDisc('main', 'PROBE_CD', `PROBE.EXE --port ${port} --secret ${secret}`);
  disc = d.iso;
  discDir = d.dir;
  prefix = join(base, 'data', 'discrun', 'prefixes', (await inspectPath(disc, 'fr')).fingerprint.id);
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('discrun launch with Wine', () => {
  it('the program sees D: as a CD-ROM with the disc’s label and serial, reads it, and sees C: and D: only', () => {
    const r = cli(['launch', '--json', disc], env);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ outcome: 'exited', exitCode: 0, runner: 'wine', profile: 'win32', prefix });
    expect(existsSync(r.json.log as string)).toBe(true);
    const rep = probeReport(prefix);
    expect(rep.drive_type).toBe('5'); // DRIVE_CDROM
    expect(rep.label).toBe('PROBE_CD');
    expect(rep.serial).toBe(expectedSerial(disc));
    expect(rep.fs).toBe('CDFS');
    expect(rep.cwd).toBe('D:\\');
    expect(rep.program).toBe('D:\\PROBE.EXE');
    expect(rep.disc_file).toBe('Bonjour de PROBE_CD');
    expect(rep.drives).toBe('0000000c'); // C: and D:, nothing else
    expect(rep.z_type).toBe('1'); // DRIVE_NO_ROOT_DIR
    // Wine's stderr is in the run's log.
    expect(readFileSync(r.json.log as string, 'utf8')).toMatch(/drive_type=5/);
  });

  it('reaches neither the network (loopback included) nor the user’s files', async () => {
    await new Promise((r) => setTimeout(r, 300)); // let the listener accept anything queued
    const rep = probeReport(prefix);
    expect(rep.tcp_connect).toBe('failed');
    expect(connections).toBe(0);
    expect(rep.home_file).toBe('(unreadable)');
  });

  it('keeps saves: a second launch sees what the first wrote, in the same prefix', () => {
    const r = cli(['launch', '--json', disc], env);
    expect(r.json.prefix).toBe(prefix);
    expect(probeReport(prefix).launches).toBe('2');
  });

  it('without the sandbox (--no-sandbox) the same probe does reach both: the sandbox is what stops it', async () => {
    const r = cli(['launch', '--json', '--no-sandbox', disc], env);
    expect(r.json.outcome).toBe('exited');
    await new Promise((r) => setTimeout(r, 300)); // spawnSync blocked the listener: let it accept now
    const rep = probeReport(prefix);
    expect(rep.tcp_connect).toBe('connected');
    expect(connections).toBeGreaterThan(0);
    expect(rep.home_file).toBe('secret of the teacher');
  });

  it('refuses to run unsandboxed when bubblewrap is missing', () => {
    const r = cli(['launch', '--json', disc], { ...env, DISCRUN_BWRAP: join(base, 'no-bwrap-here') });
    expect(r.status).toBe(3);
    expect(r.json.outcome).toBe('refused');
    expect(r.json.message).toMatch(/bubblewrap/);
  });

  it('passes the program’s exit code through', () => {
    const d = probeDisc('exit7', 'EXIT_SEPT', 'PROBE.EXE --exit 7');
    const r = cli(['launch', '--json', d.iso], env);
    expect(r.json).toMatchObject({ outcome: 'crashed', exitCode: 7 });
    expect(r.status).toBe(7);
    const human = cli(['launch', d.iso], env);
    expect(human.status).toBe(7);
    expect(human.stderr.trim().split('\n')).toHaveLength(1);
    expect(human.stderr).toMatch(/erreur \(code 7\)/);
  });

  it('--timeout stops a program that still runs (outcome ran, exit 0) and --screenshot shows its window', () => {
    const d = probeDisc('green', 'VERT', 'PROBE.EXE --stay 60 --color 00C800');
    const shot = join(base, 'green.png');
    const started = Date.now();
    const r = cli(['launch', '--json', '--timeout', '5', '--screenshot', shot, d.iso], env);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ outcome: 'ran', screenshot: shot, stopReason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(40_000);
    const png = decodePng(readFileSync(shot));
    expect([png.width, png.height]).toEqual([1024, 768]);
    expect(png.pixel(512, 384)).toEqual([0, 200, 0]);
    expect(png.pixel(10, 10)).toEqual([0, 200, 0]);
  });

  it('applies the profile: Windows version, virtual desktop, registry values, environment, install steps once', () => {
    const d = probeDisc('profiled', 'PROFILED', 'PROBE.EXE');
    const profile = join(base, 'profiled.yaml');
    writeFileSync(profile, `kind: title
id: test-profiled
title: Profiled
runner: wine
match:
  label: PROFILED
  files: [{ path: PROBE.EXE }]
wine:
  windowsVersion: win98
  desktop: 640x480
  registry:
    - { key: 'HKCU\\Software\\discrun-test', name: hello, value: bonjour }
  env:
    DISCRUN_TEST_ENV: from-profile
  install:
    - { run: PROBE.EXE, args: [--install, '1'] }
  run: 'C:\\JEU\\JEU.EXE'
status: untested
`);
    const r1 = cli(['launch', '--json', '--profile', profile, d.iso], env);
    expect(r1.json, r1.stderr).toMatchObject({ outcome: 'exited', profile: 'test-profiled' });
    const p = r1.json.prefix as string;
    let rep = probeReport(p);
    expect(Number.parseInt(rep.winver!, 16) & 0x80000000).not.toBe(0); // Windows 9x sets the high bit
    expect(rep.screen).toBe('640x480');
    expect(rep.registry).toBe('bonjour');
    expect(rep.env).toBe('from-profile');
    expect(rep.program).toBe('C:\\JEU\\JEU.EXE');
    expect(readFileSync(join(p, 'drive_c', 'probe', 'installs.txt'), 'utf8').trim()).toBe('1');
    const r2 = cli(['launch', '--json', '--profile', profile, d.iso], env);
    expect(r2.json.outcome).toBe('exited');
    rep = probeReport(p);
    expect(rep.program).toBe('C:\\JEU\\JEU.EXE');
    expect(rep.launches).toBe('2');
    expect(readFileSync(join(p, 'drive_c', 'probe', 'installs.txt'), 'utf8').trim()).toBe('1');
  });

  it('two discs at once get two prefixes and two Wine servers', async () => {
    const a = probeDisc('twin-a', 'DISQUE_A', 'PROBE.EXE --stay 30', { 'ID.TXT': 'A' });
    const b = probeDisc('twin-b', 'DISQUE_B', 'PROBE.EXE --stay 30', { 'ID.TXT': 'B' });
    const ra = cliAsync(['launch', '--json', '--timeout', '8', a.iso], env);
    const rb = cliAsync(['launch', '--json', '--timeout', '8', b.iso], env);
    // While both run, each prefix has its own wineserver.
    const both = await waitFor(() => {
      const servers = processesMentioning(join(base, 'data')).filter((p) => /wineserver/.test(p));
      return servers.length >= 2;
    }, 20_000);
    const [ja, jb] = (await Promise.all([ra.done, rb.done])).map((x) => JSON.parse(x.stdout));
    expect(both).toBe(true);
    expect(ja.outcome, readFileSync(ja.log, 'utf8').slice(-1500)).toBe('ran');
    expect(jb.outcome, readFileSync(jb.log, 'utf8').slice(-1500)).toBe('ran');
    expect(ja.prefix).not.toBe(jb.prefix);
    expect(probeReport(ja.prefix).label).toBe('DISQUE_A');
    expect(probeReport(jb.prefix).label).toBe('DISQUE_B');
  });

  it('the same disc launched twice at once: the second launch is refused, the first goes on', async () => {
    const d = probeDisc('twice', 'DEUX_FOIS', 'PROBE.EXE --stay 30');
    const p = join(base, 'data', 'discrun', 'prefixes', (await inspectPath(d.iso, 'fr')).fingerprint.id);
    const first = cliAsync(['launch', '--json', '--timeout', '10', d.iso], env);
    expect(await waitFor(() => existsSync(join(p, '.discrun-running')), 60_000)).toBe(true);
    const second = cli(['launch', '--json', d.iso], env);
    expect(second.status).toBe(3);
    expect(second.json).toMatchObject({ outcome: 'refused', message: 'Ce disque est déjà lancé.' });
    expect(JSON.parse((await first.done).stdout).outcome).toBe('ran');
    expect(existsSync(join(p, '.discrun-running'))).toBe(false);
  });

  it('SIGTERM stops the program cleanly; SIGKILL of discrun leaves no process behind', async () => {
    const d = probeDisc('long', 'LONGUE', 'PROBE.EXE --stay 120');
    const p = join(base, 'data', 'discrun', 'prefixes', (await inspectPath(d.iso, 'fr')).fingerprint.id);
    const reportFile = join(p, 'drive_c', 'probe', 'report.txt');
    const term = cliAsync(['launch', '--json', '--timeout', '100', d.iso], env);
    expect(await waitFor(() => existsSync(reportFile), 60_000)).toBe(true);
    term.child.kill('SIGTERM');
    const t = await term.done;
    expect(JSON.parse(t.stdout)).toMatchObject({ outcome: 'ran', stopReason: 'signal' });
    expect(await waitFor(() => processesMentioning(p).length === 0, 10_000)).toBe(true);

    writeFileSync(reportFile, '');
    const kill = cliAsync(['launch', '--json', '--timeout', '100', d.iso], env);
    expect(await waitFor(() => readFileSync(reportFile, 'latin1').includes('done=1'), 60_000)).toBe(true);
    expect(processesMentioning(p).length).toBeGreaterThan(0);
    kill.child.kill('SIGKILL');
    await kill.done;
    const clean = await waitFor(() => processesMentioning(p).length === 0 && processesMentioning(join(base, 'run')).length === 0, 15_000);
    expect(clean, processesMentioning(base).join('\n')).toBe(true);
  });

  it('a disc that goes away stops its program and keeps its saves', async () => {
    const folder = join(base, 'mounted-disc');
    cpSync(discDir, folder, { recursive: true });
    writeFileSync(join(folder, 'AUTORUN.INF'), '[autorun]\r\nopen=PROBE.EXE --stay 120\r\n');
    const p = join(base, 'data', 'discrun', 'prefixes', (await inspectPath(folder, 'fr')).fingerprint.id);
    const run = cliAsync(['launch', '--json', '--timeout', '100', folder], env);
    // The probe writes its report line by line: remove the disc once it has written all of it.
    const complete = () => existsSync(join(p, 'drive_c', 'probe', 'report.txt')) && probeReport(p).done === '1';
    expect(await waitFor(complete, 60_000)).toBe(true);
    renameSync(folder, `${folder}-ejected`);
    const r = await run.done;
    expect(JSON.parse(r.stdout), r.stdout + r.stderr).toMatchObject({ outcome: 'ran', stopReason: 'disc-removed' });
    expect(JSON.parse(r.stdout).message).toMatch(/retiré/);
    expect(readdirSync(join(p, 'drive_c', 'users'))).not.toHaveLength(0);
    expect(probeReport(p).launches, JSON.stringify(probeReport(p))).toBe('1');
  });

  it('a 32-bit program runs where the kernel runs 32-bit code, and is refused in one sentence where it cannot', async () => {
    const wine = (await detectWine())!;
    const dir = join(base, 'src-x86');
    writeTree(dir, { 'AUTORUN.INF': '[autorun]\r\nopen=PROBE.EXE\r\n', 'PROBE.EXE': readFileSync(probe('i686')) });
    const iso = buildIso(dir, join(base, 'x86.iso'), { label: 'TRENTE_DEUX' });
    const r = cli(['launch', '--json', iso], env);
    if (wine.can32) {
      expect(r.json.outcome).toBe('exited');
      expect(probeReport(r.json.prefix as string).label).toBe('TRENTE_DEUX');
    } else {
      expect(r.status).toBe(3);
      expect(r.json.outcome).toBe('refused');
      expect(r.json.message).toBe('Cet ordinateur ne peut pas exécuter de programmes 32 bits : ce disque Windows ne peut pas démarrer ici.');
    }
  });

  it('keeps Wine’s stray writes inside discrun’s directories', () => {
    const home = join(base, 'home');
    expect(readdirSync(home).sort()).toEqual(['secret.txt']);
  });
});

describe('discrun profile verify', () => {
  it('runs the disc with its profile, appends a verified record and only suggests a status', () => {
    const d = probeDisc('verify', 'A_VERIFIER', 'PROBE.EXE --stay 30 --color 3366CC');
    const file = join(base, 'verify.yaml');
    expect(cli(['profile', 'new', d.iso, '-o', file], env).status).toBe(0);
    const before = readFileSync(file, 'utf8');
    expect(before).toMatch(/^# Drafted by discrun profile new/);
    const r = cli(['profile', 'verify', d.iso, '--profile', file, '--timeout', '6', '--json'], env);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ suggestedStatus: 'bronze', record: { runner: 'wine', result: 'ran', discrun: expect.any(String), runnerVersion: expect.stringMatching(/^\d/) } });
    const after = readFileSync(file, 'utf8');
    expect(after).toMatch(/^# Drafted by discrun profile new/); // comments kept
    expect(after).toMatch(/status: untested/); // a person decides
    expect(after).toMatch(/verified:\n\s+- date: \d{4}-\d\d-\d\d\n\s+discrun: /);
    const png = decodePng(readFileSync((r.json.record as { screenshot: string }).screenshot));
    expect(png.pixel(500, 400)).toEqual([0x33, 0x66, 0xcc]);
    expect(cli(['profile', 'lint', file], env).status).toBe(0);
  });
});

describe('discrun prefixes', () => {
  it('lists prefixes, and reset keeps a backup of the saves', () => {
    const list = cli(['prefixes', 'list', '--json'], env);
    const ids = (JSON.parse(list.stdout) as Array<{ id: string; path: string }>).map((s) => s.path);
    expect(ids).toContain(prefix);
    const id = prefix.split('/').pop()!;
    const r = cli(['prefixes', 'reset', id.slice(0, 12)], env);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(prefix)).toBe(false);
    const backups = readdirSync(join(base, 'data', 'discrun', 'backups'));
    const mine = backups.find((b) => b.includes(id))!;
    const users = join(base, 'data', 'discrun', 'backups', mine, 'drive_c', 'users');
    expect(readFileSync(join(users, userInfo().username, 'AppData', 'Roaming', 'probe', 'count.txt'), 'utf8').trim()).toBe('3');
    // The next launch starts from a fresh copy of the template.
    cli(['launch', '--json', disc], env);
    expect(probeReport(prefix).launches).toBe('1');
  });
});
