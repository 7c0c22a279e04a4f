import { chmod, mkdir, open, readdir, rename, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Disc } from '../disc/index.js';
import { DiscrunError } from '../errors.js';
import type { Inspection } from '../fingerprint/types.js';
import type { Logger } from '../log.js';
import type { Dirs } from '../xdg.js';

/**
 * The disc as the host sees it: a read-only directory tree for engines that need files (Wine's
 * D:, Ruffle's web server), the image itself for engines that mount images (DOSBox), and what
 * Windows would report about the volume.
 */
export interface DiscView {
  readonly label: string;
  readonly serial: { nt: number; win9x: number };
  /** The image file, when the disc is one (DOSBox mounts it directly). */
  readonly image: string | null;
  /** The physical drive, for Wine's `d::` device link. */
  readonly device: string | null;
  /** A directory holding the disc's files; an image is extracted once into the cache. */
  hostRoot(): Promise<string>;
  /** Host paths to expose read-only inside the sandbox. */
  binds(): Promise<string[]>;
}

const CHUNK = 1 << 20;

function serialFromId(id: string): number {
  return Number.parseInt(id.replace(/^dr1-/, '').slice(0, 8), 16) >>> 0;
}

export function createDiscView(disc: Disc, insp: Inspection, dirs: Dirs, log: Logger): DiscView {
  const src = disc.source;
  const folder = src.kind === 'folder' ? src.path : src.mountPoint ?? null;
  const image = src.kind === 'iso' || src.kind === 'bin' || src.kind === 'nrg' ? src.path : null;
  const label = (insp.volume.label ?? 'DISCRUN').slice(0, 32);
  const fallbackSerial = serialFromId(insp.fingerprint.id);
  const serial = disc.volume.cdSerial ?? { nt: fallbackSerial, win9x: fallbackSerial };
  let root: Promise<string> | null = null;
  return {
    label,
    serial,
    image,
    device: src.kind === 'device' ? src.path : null,
    hostRoot() {
      root ??= folder ? Promise.resolve(folder) : extractToCache(disc, insp.fingerprint.id, dirs, log);
      return root;
    },
    async binds() {
      const out = [await this.hostRoot()];
      if (image) out.push(image);
      return out;
    },
  };
}

/**
 * Copies the disc's files into `cache/discs/<fingerprint>` once, read-only, through the native
 * reader (no mount, no root). The image is only ever read. A half-done copy is never used:
 * files land in a temporary directory renamed into place when complete.
 */
export async function extractToCache(disc: Disc, id: string, dirs: Dirs, log: Logger): Promise<string> {
  const base = join(dirs.cache, 'discs');
  const final = join(base, id);
  try {
    await stat(join(final, '.'));
    const now = new Date();
    await utimes(final, now, now).catch(() => {});
    return final;
  } catch {
    // not extracted yet
  }
  await mkdir(base, { recursive: true });
  const tmp = join(base, `.${id}.partial-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  const started = performance.now();
  let bytes = 0;
  try {
    await mkdir(tmp, { recursive: true });
    const entries = await disc.list();
    const dirsMade: string[] = [];
    for (const e of entries) {
      const target = join(tmp, e.path);
      if (e.isDir) {
        await mkdir(target, { recursive: true });
        dirsMade.push(target);
        continue;
      }
      const fh = await open(target, 'wx', 0o644);
      try {
        for (let off = 0; off < e.size; off += CHUNK) {
          const buf = await disc.read(e.path, off, Math.min(CHUNK, e.size - off));
          await fh.write(buf);
          bytes += buf.length;
        }
      } finally {
        await fh.close();
      }
      await chmod(target, 0o444);
    }
    for (const d of dirsMade.reverse()) await chmod(d, 0o555);
    await rename(tmp, final);
  } catch (e) {
    await makeWritable(tmp).catch(() => {});
    await rm(tmp, { recursive: true, force: true }).catch(() => {});
    if (e instanceof DiscrunError) throw e;
    throw new DiscrunError('write-failed', { path: final, reason: (e as NodeJS.ErrnoException).code ?? String(e) }, { cause: e });
  }
  log.info({ id, bytes, ms: Math.round(performance.now() - started) }, 'disc extracted to cache');
  return final;
}

export async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755).catch(() => {});
  for (const n of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (n.isDirectory()) await makeWritable(join(dir, n.name));
  }
}

/**
 * Wine's D: drive: a directory of links to the disc's top-level entries plus `.windows-label`
 * and `.windows-serial`, which Wine reports as the volume's label and serial number. The disc
 * itself stays untouched (it is read-only anyway).
 */
export async function wineDriveDir(view: DiscView, runDir: string, nt: boolean): Promise<string> {
  const root = await view.hostRoot();
  const drive = join(runDir, 'drive-d');
  await mkdir(drive, { recursive: true });
  for (const name of await readdir(root)) {
    if (name === '.windows-label' || name === '.windows-serial') continue;
    await symlink(join(root, name), join(drive, name));
  }
  await writeFile(join(drive, '.windows-label'), view.label + '\n');
  await writeFile(join(drive, '.windows-serial'), (nt ? view.serial.nt : view.serial.win9x).toString(16).padStart(8, '0') + '\n');
  return drive;
}
