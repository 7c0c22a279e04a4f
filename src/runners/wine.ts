import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DiscrunError } from '../errors.js';
import { wineDriveDir } from '../launch/disc-view.js';
import type { WineOptions } from '../profiles/schema.js';
import { acquireRunLock } from '../launch/state.js';
import { detectWine, wineLoader, type WineInstall } from './wine/install.js';
import { ensurePrefix, readMeta, wineEnv, writeMeta, type PrefixMeta, type WineArch } from './wine/prefix.js';
import type { LaunchContext, LaunchPlan, Runner } from './types.js';

const NT_VERSIONS = new Set(['nt40', 'win2k', 'winxp', 'vista', 'win7', 'win10']);

/** Windows path of a file on the disc. */
export function discWinPath(path: string): string {
  return 'D:\\' + path.replace(/\//g, '\\');
}

function regString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The profile's Windows version, DLL overrides and registry values as a .reg file. */
export function profileReg(o: WineOptions | undefined): string | null {
  if (!o) return null;
  const lines: string[] = ['REGEDIT4', ''];
  if (o.windowsVersion) lines.push('[HKEY_CURRENT_USER\\Software\\Wine]', `"Version"=${regString(o.windowsVersion)}`, '');
  if (o.dllOverrides && Object.keys(o.dllOverrides).length) {
    lines.push('[HKEY_CURRENT_USER\\Software\\Wine\\DllOverrides]');
    for (const [dll, mode] of Object.entries(o.dllOverrides)) lines.push(`${regString(dll)}=${regString(mode === 'disabled' ? '' : mode)}`);
    lines.push('');
  }
  for (const r of o.registry ?? []) {
    const key = r.key.replace(/^HKCU\\/, 'HKEY_CURRENT_USER\\').replace(/^HKLM\\/, 'HKEY_LOCAL_MACHINE\\');
    const name = r.name === undefined ? '@' : regString(r.name);
    let value: string;
    if (r.type === 'REG_DWORD') value = `dword:${(Number(r.value) >>> 0).toString(16).padStart(8, '0')}`;
    else if (r.type === 'REG_SZ') value = regString(String(r.value));
    else {
      // Other types are written as hex: the bytes of the UTF-16 (expand/multi) or given hex (binary).
      const bytes = r.type === 'REG_BINARY' ? Buffer.from(String(r.value).replace(/[^0-9a-f]/gi, ''), 'hex') : Buffer.from(String(r.value).replace(/\\0/g, '\0') + '\0' + (r.type === 'REG_MULTI_SZ' ? '\0' : ''), 'utf16le');
      value = `hex(${r.type === 'REG_EXPAND_SZ' ? 2 : r.type === 'REG_MULTI_SZ' ? 7 : 3}):${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join(',')}`;
    }
    lines.push(`[${key}]`, `${name}=${value}`, '');
  }
  return lines.length > 2 ? lines.join('\r\n') : null;
}

function installKey(step: { run: string; args: string[] }): string {
  return createHash('sha256').update(JSON.stringify([step.run, step.args])).digest('hex').slice(0, 16);
}

export const wineRunner: Runner = {
  id: 'wine',

  async available() {
    const w = await detectWine();
    if (!w) return { ok: false, version: null, reason: 'wine is not installed' };
    return { ok: true, version: w.version };
  },

  async plan(ctx: LaunchContext): Promise<LaunchPlan> {
    const wine = await detectWine();
    if (!wine) throw new DiscrunError('tool-missing', { tool: 'wine' });
    const insp = ctx.inspection;
    const opts = ctx.profile?.profile.wine;
    const entry = ctx.profile?.profile.entry ?? insp.entry;
    if (!entry) throw new DiscrunError('cannot-run', { fr: 'Aucun programme à lancer n’a été trouvé sur ce disque.', en: 'No program to launch was found on this disc.' });
    // 64-bit programs need a win64 prefix; everything else runs best in a win32 one.
    const wants64 = opts?.arch === 'win64' || insp.risks.some((r) => r.id === '64-bit');
    let arch: WineArch = wants64 ? 'win64' : 'win32';
    if (arch === 'win32' && !wine.can32) {
      // This kernel cannot execute i386 code: only 64-bit Windows programs can run.
      if (insp.platform === 'win32' || insp.platform === 'win16' || insp.platform === 'dos') {
        throw new DiscrunError('cannot-run', {
          fr: 'Cet ordinateur ne peut pas exécuter de programmes 32 bits : ce disque Windows ne peut pas démarrer ici.',
          en: 'This computer cannot run 32-bit programs: this Windows disc cannot start here.',
        });
      }
      arch = 'win64';
    }
    if (!wineLoader(wine, arch)) throw new DiscrunError('tool-missing', { tool: arch === 'win32' ? 'wine32' : 'wine64' });

    const id = ctx.throwaway ? `throwaway-${process.pid}-${Date.now()}` : insp.fingerprint.id;
    const { dir: prefix, meta, created } = await ensurePrefix(wine, arch, ctx.dirs, id, { fingerprint: insp.fingerprint.id, title: insp.title, label: insp.volume.label }, ctx.log);
    // A new prefix used (or would have used) the spare copy: prepare the next one once this run is over.
    if (created && !ctx.throwaway) ctx.onFinish?.(() => spawnSpareMaker(arch));
    const release = await acquireRunLock(prefix);
    try {
      return await planInPrefix(ctx, wine, arch, prefix, meta, entry, opts, release);
    } catch (e) {
      await release();
      throw e;
    }
  },
};

async function planInPrefix(
  ctx: LaunchContext,
  wine: WineInstall,
  arch: WineArch,
  prefix: string,
  meta: PrefixMeta,
  entry: { path: string; args: string[] },
  opts: WineOptions | undefined,
  release: () => Promise<void>,
): Promise<LaunchPlan> {
  const insp = ctx.inspection;

  // D: is the disc: a CD-ROM with the disc's label and serial; d:: is the drive for physical discs.
  const nt = NT_VERSIONS.has(opts?.windowsVersion ?? 'winxp');
  const drive = await wineDriveDir(ctx.view, ctx.runDir, nt);
  const dos = join(prefix, 'dosdevices');
  await rm(join(dos, 'd:'), { force: true });
  await rm(join(dos, 'd::'), { force: true });
  await symlink(drive, join(dos, 'd:'));
  if (ctx.view.device) await symlink(ctx.view.device, join(dos, 'd::'));

  const reg = profileReg(opts);
  const regHash = reg ? createHash('sha256').update(reg).digest('hex').slice(0, 16) : null;
  const applyReg = reg !== null && regHash !== meta.regHash;
  if (applyReg) await writeFile(join(prefix, 'drive_c', 'discrun-profile.reg'), reg);

  const pending = (opts?.install ?? []).filter((s) => !meta.installed.includes(installKey(s)));
  const installLines = pending.map((s) => {
    const prog = /^[a-z]:\\/i.test(s.run) ? s.run : discWinPath(s.run.replace(/\\/g, '/'));
    return `timeout ${Math.round(s.timeout)} "$WINELOADER" ${shq(prog)} ${s.args.map(shq).join(' ')} || true; "$WINESERVER" -w`;
  });
  const target = opts?.run && (opts.install?.length ?? 0) > 0 ? opts.run : discWinPath(entry.path);
  const args = entry === insp.entry || !opts?.run ? entry.args : [];
  const program = opts?.desktop ? ['explorer', `/desktop=discrun,${opts.desktop}`, target, ...args] : [target, ...args];

  const env: Record<string, string> = {
    ...wineEnv(wine, arch, prefix, opts?.dllOverrides ? Object.entries(opts.dllOverrides).map(([k, v]) => `${k}=${v === 'native' ? 'n' : v === 'builtin' ? 'b' : v === 'disabled' ? '' : v.replace('native', 'n').replace('builtin', 'b')}`).join(';') : ''),
    ...(opts?.env ?? {}),
    TMPDIR: join(ctx.runDir, 'tmp'),
  };
  await mkdir(env.TMPDIR!, { recursive: true });
  await mkdir(env.HOME!, { recursive: true });

  // Stopping: TERM reaches this script, which stops every process of the prefix.
  const script = [
    'stop() { "$WINESERVER" -k 2>/dev/null; exit 143; }',
    'trap stop TERM INT HUP',
    applyReg ? '"$WINELOADER" regedit /S "C:\\discrun-profile.reg"' : ':',
    ...installLines,
    `"$WINELOADER" ${program.map(shq).join(' ')} &`,
    'child=$!',
    'wait $child; rc=$?',
    '"$WINESERVER" -w',
    'exit $rc',
  ].join('\n');
  await writeFile(join(ctx.runDir, 'run.sh'), script + '\n', { mode: 0o755 });

  return {
    runner: 'wine',
    argv: ['/bin/sh', join(ctx.runDir, 'run.sh')],
    policy: {
      readOnly: await ctx.view.binds(),
      readWrite: [prefix, ctx.runDir],
      display: ctx.display,
      sound: true,
      env,
      cwd: drive,
    },
    stateDir: prefix,
    description: `wine ${arch} ${program.join(' ')}`,
    runnerVersion: wine.version,
    async after() {
      const m = (await readMeta(prefix)) ?? meta;
      m.lastUsed = new Date().toISOString();
      if (applyReg) m.regHash = regHash;
      m.installed = [...new Set([...m.installed, ...pending.map(installKey)])];
      await writeMeta(prefix, m);
      await rm(join(prefix, 'drive_c', 'discrun-profile.reg'), { force: true });
      await release();
      if (ctx.throwaway) await rm(prefix, { recursive: true, force: true });
    },
  };
}

/** Copies the template into a spare prefix in a detached process that outlives this one. */
function spawnSpareMaker(arch: WineArch): void {
  const bin = fileURLToPath(new URL('../cli/bin.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'setup-engines', '--spare', arch], { detached: true, stdio: 'ignore', env: process.env });
  child.unref();
}

/** Quotes for /bin/sh. */
export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
