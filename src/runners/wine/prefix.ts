import { execa } from 'execa';
import { cp, lstat, mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DiscrunError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { bwrapArgs, sandboxAvailable } from '../../sandbox/policy.js';
import { findExecutable } from '../../util/which.js';
import type { Dirs } from '../../xdg.js';
import { wineLoader, type WineInstall } from './install.js';

export type WineArch = 'win32' | 'win64';

export interface PrefixMeta {
  id: string;
  fingerprint: string;
  title: string | null;
  label: string | null;
  arch: WineArch;
  wine: string;
  created: string;
  lastUsed: string | null;
  /** Hash of the registry settings last applied, so they are applied only when they change. */
  regHash: string | null;
  /** Install steps already run, by hash. */
  installed: string[];
}

const META = 'discrun-prefix.json';
const TEMPLATE_MARK = '.discrun-template';

/** Templates may be shared by several users or test runs: DISCRUN_WINE_TEMPLATES points elsewhere. */
export function templatesRoot(dirs: Dirs): string {
  return process.env.DISCRUN_WINE_TEMPLATES || join(dirs.data, 'wine-templates');
}

export function templateDir(dirs: Dirs, wine: WineInstall, arch: WineArch): string {
  return join(templatesRoot(dirs), `${wine.version.replace(/[^\w.-]/g, '_')}-${arch}`);
}

export function prefixesDir(dirs: Dirs): string {
  return join(dirs.data, 'prefixes');
}

/** Environment shared by every Wine process discrun starts in a prefix. */
export function wineEnv(wine: WineInstall, arch: WineArch, prefix: string, extraOverrides = ''): Record<string, string> {
  const home = join(prefix, '.home');
  return {
    WINEPREFIX: prefix,
    WINEARCH: arch,
    WINELOADER: wineLoader(wine, arch) ?? '',
    WINESERVER: wine.server,
    WINEDEBUG: process.env.DISCRUN_WINEDEBUG ?? 'err+all,fixme-all',
    // No Mono/Gecko download prompts (no network anyway), no menu entries on the user's desktop.
    WINEDLLOVERRIDES: ['mscoree,mshtml=', 'winemenubuilder.exe=d', extraOverrides].filter(Boolean).join(';'),
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
  };
}

const TEMPLATE_REG = `REGEDIT4

[HKEY_LOCAL_MACHINE\\Software\\Wine\\Drives]
"d:"="cdrom"

[HKEY_CURRENT_USER\\Software\\Wine\\DllOverrides]
"winemenubuilder.exe"=""
`;

/** Runs a Wine command in `prefix` with nothing but the prefix writable (and no network). */
async function runInPrefix(wine: WineInstall, arch: WineArch, prefix: string, args: string[], log: Logger, timeoutMs = 180_000): Promise<void> {
  const loader = wineLoader(wine, arch);
  if (!loader) throw new DiscrunError('cannot-run', { fr: 'Wine 32 bits ne peut pas fonctionner sur cet ordinateur.', en: '32-bit Wine cannot run on this computer.' });
  const env = wineEnv(wine, arch, prefix);
  await mkdir(env.HOME!, { recursive: true });
  const script = `"$WINELOADER" "$@"; rc=$?; "$WINESERVER" -w; exit $rc`;
  const sb = await sandboxAvailable();
  const bwrap = sb.ok ? await findExecutable('bwrap') : null;
  const cmd = bwrap
    ? [bwrap, ...bwrapArgs({ readOnly: [], readWrite: [prefix], display: null, sound: false, env, cwd: prefix }), '/bin/sh', '-c', script, 'wine', ...args]
    : ['/bin/sh', '-c', script, 'wine', ...args];
  const r = await execa(cmd[0]!, cmd.slice(1), { env: bwrap ? {} : { ...process.env, ...env }, reject: false, timeout: timeoutMs, extendEnv: !bwrap });
  log.debug({ args, exitCode: r.exitCode, stderr: String(r.stderr).slice(-2000) }, 'wine command in prefix');
  if (r.exitCode !== 0) throw new DiscrunError('cannot-run', { fr: `Wine a échoué (${args[0]}).`, en: `Wine failed (${args[0]}).` }, { cause: new Error(String(r.stderr).slice(-2000)) });
}

/** Makes the prefix see C: and D: only, with nothing pointing into the user's home. */
async function isolate(prefix: string): Promise<void> {
  const dos = join(prefix, 'dosdevices');
  for (const n of await readdir(dos).catch(() => [] as string[])) {
    if (n !== 'c:' && n !== 'd:' && n !== 'd::') await unlink(join(dos, n)).catch(() => {});
  }
  const users = join(prefix, 'drive_c', 'users');
  for (const u of await readdir(users).catch(() => [] as string[])) {
    const ud = join(users, u);
    for (const n of await readdir(ud).catch(() => [] as string[])) {
      const p = join(ud, n);
      const st = await lstat(p).catch(() => null);
      // Wine links Desktop, Documents… to the Unix home: replace each link by a real folder.
      if (st?.isSymbolicLink()) {
        await unlink(p);
        await mkdir(p, { recursive: true });
      }
    }
  }
}

async function withLock<T>(lockDir: string, fn: () => Promise<T>, waitMs = 600_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const st = await stat(lockDir).catch(() => null);
      // A lock left by a process that died long ago is broken.
      if (st && Date.now() - st.mtimeMs > waitMs) await rm(lockDir, { recursive: true, force: true });
      if (Date.now() - started > waitMs) throw new DiscrunError('busy', { what: lockDir });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

/**
 * A ready prefix per Wine version and architecture, built once (wineboot takes 10–20 s) and
 * then copied for every disc. Built under a lock so two launches never build it twice.
 */
export async function ensureTemplate(wine: WineInstall, arch: WineArch, dirs: Dirs, log: Logger): Promise<string> {
  const dir = templateDir(dirs, wine, arch);
  if (await stat(join(dir, TEMPLATE_MARK)).catch(() => null)) return dir;
  await mkdir(templatesRoot(dirs), { recursive: true });
  return withLock(`${dir}.lock`, async () => {
    if (await stat(join(dir, TEMPLATE_MARK)).catch(() => null)) return dir;
    const tmp = `${dir}.building-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    const started = performance.now();
    try {
      await runInPrefix(wine, arch, tmp, ['wineboot', '-i'], log, 300_000);
      await writeFile(join(tmp, 'drive_c', 'discrun-template.reg'), TEMPLATE_REG);
      await runInPrefix(wine, arch, tmp, ['regedit', '/S', 'C:\\discrun-template.reg'], log);
      await rm(join(tmp, 'drive_c', 'discrun-template.reg'), { force: true });
      await isolate(tmp);
      await rm(join(tmp, '.home'), { recursive: true, force: true });
      await writeFile(join(tmp, TEMPLATE_MARK), JSON.stringify({ wine: wine.version, arch, built: new Date().toISOString() }) + '\n');
      await rename(tmp, dir);
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      throw e;
    }
    log.info({ dir, ms: Math.round(performance.now() - started) }, 'wine template prefix built');
    return dir;
  });
}

export async function readMeta(prefix: string): Promise<PrefixMeta | null> {
  try {
    return JSON.parse(await readFile(join(prefix, META), 'utf8')) as PrefixMeta;
  } catch {
    return null;
  }
}

export async function writeMeta(prefix: string, meta: PrefixMeta): Promise<void> {
  const tmp = join(prefix, `${META}.tmp`);
  await writeFile(tmp, JSON.stringify(meta, null, 2) + '\n');
  await rename(tmp, join(prefix, META));
}

/**
 * The disc's own prefix, a real copy of the template (hard links would let wineserver rewrite
 * the template's registry in place). Saves live here and survive every launch.
 */
export async function ensurePrefix(
  wine: WineInstall,
  arch: WineArch,
  dirs: Dirs,
  id: string,
  info: { fingerprint: string; title: string | null; label: string | null },
  log: Logger,
): Promise<{ dir: string; meta: PrefixMeta; created: boolean; usedSpare?: boolean }> {
  const dir = join(prefixesDir(dirs), id);
  const existing = await readMeta(dir);
  if (existing) return { dir, meta: existing, created: false };
  const template = await ensureTemplate(wine, arch, dirs, log);
  await mkdir(prefixesDir(dirs), { recursive: true });
  return withLock(`${dir}.lock`, async () => {
    const again = await readMeta(dir);
    if (again) return { dir, meta: again, created: false };
    const tmp = `${dir}.cloning-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    const started = performance.now();
    // A spare copy made in the background after the previous clone makes this a rename.
    const fromSpare = await takeSpare(template, tmp);
    if (!fromSpare) await copyTree(template, tmp);
    await rm(join(tmp, TEMPLATE_MARK), { force: true });
    const meta: PrefixMeta = { id, ...info, arch, wine: wine.version, created: new Date().toISOString(), lastUsed: null, regHash: null, installed: [] };
    await writeMeta(tmp, meta);
    await rename(tmp, dir);
    log.info({ dir, ms: Math.round(performance.now() - started), fromSpare }, 'prefix cloned from template');
    return { dir, meta, created: true, usedSpare: fromSpare };
  });
}

/** A real copy (never hard links): coreutils cp is several times faster than fs.cp on 600 MB. */
async function copyTree(from: string, to: string): Promise<void> {
  const r = await execa('cp', ['-a', '--reflink=auto', from, to], { reject: false });
  if (r.exitCode !== 0) {
    await rm(to, { recursive: true, force: true });
    await cp(from, to, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  }
}

export function spareDir(template: string): string {
  return `${template}.spare`;
}

async function takeSpare(template: string, to: string): Promise<boolean> {
  try {
    await rename(spareDir(template), to);
    return true;
  } catch {
    return false; // none ready, taken by another launch, or on another filesystem
  }
}

/**
 * Prepares the next copy of the template ahead of time, so that the first launch of the next new
 * disc costs a rename instead of copying 600 MB. Returns false when one is already there.
 */
export async function ensureSpare(template: string, dirs: Dirs): Promise<boolean> {
  const spare = spareDir(template);
  if (await stat(spare).catch(() => null)) return false;
  // A spare is only useful where a rename can move it into the prefixes folder.
  await mkdir(prefixesDir(dirs), { recursive: true });
  const [a, b] = await Promise.all([stat(template), stat(prefixesDir(dirs))]);
  if (a.dev !== b.dev) return false;
  const tmp = `${spare}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await copyTree(template, tmp);
  try {
    await rename(tmp, spare);
    return true;
  } catch {
    await rm(tmp, { recursive: true, force: true });
    return false;
  }
}
