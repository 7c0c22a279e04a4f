import { createHash } from 'node:crypto';
import type { Disc, DiscEntry } from '../disc/index.js';
import { lookupKey } from '../disc/index.js';

/**
 * Files that copying or browsing a disc adds on the way (Windows thumbnails, macOS metadata,
 * discrun's own label files): they must not change the id of the same disc seen as a folder.
 */
const NOISE = /^(thumbs\.db|desktop\.ini|\.ds_store|\._.*|\.windows-(label|serial)|system volume information)$/i;

const SAMPLED_ROOT_FILES = 8;

/** The files whose first bytes enter the id: the disc's root files, where programs and AUTORUN.INF live. */
export function sampledFiles(entries: readonly DiscEntry[]): DiscEntry[] {
  return entries
    .filter((e) => !e.isDir && e.size > 0 && !e.path.includes('/') && !NOISE.test(e.path))
    .sort((a, b) => (lookupKey(a.path) < lookupKey(b.path) ? -1 : 1))
    .slice(0, SAMPLED_ROOT_FILES);
}

/**
 * A disc's identity: its files' paths (normalised the way Windows looks them up) and sizes, and
 * the first bytes of its root files (so two discs laid out alike but different inside differ).
 * Dates, the volume label and the mastering tool are left out, so an ISO, the disc copied to a
 * folder and the physical disc share it.
 */
export async function fingerprintId(entries: readonly DiscEntry[], readHead: (e: DiscEntry) => Promise<Buffer>): Promise<string> {
  const lines = entries
    .filter((e) => !e.isDir && !e.path.split('/').some((seg) => NOISE.test(seg)))
    .map((e) => `${lookupKey(e.path)}\t${e.size}`)
    .sort();
  const h = createHash('sha256').update(lines.join('\n'));
  for (const e of sampledFiles(entries)) h.update(`\n${lookupKey(e.path)}\t`).update(await readHead(e));
  return 'dr1-' + h.digest('hex').slice(0, 24);
}

export interface KeyFile {
  path: string;
  size: number;
  /** MD5 of the first 5000 bytes, as ScummVM's detection tables use. */
  md5: string;
  /** MD5 of the last 5000 bytes: projectors share their head, their tail tells them apart. */
  tailMd5: string;
}

export const MD5_BYTES = 5000;

export async function keyFile(disc: Disc, e: DiscEntry): Promise<KeyFile> {
  const head = await disc.read(e.path, 0, MD5_BYTES);
  const tail = e.size <= MD5_BYTES ? head : await disc.read(e.path, e.size - MD5_BYTES, MD5_BYTES);
  return {
    path: e.path,
    size: e.size,
    md5: createHash('md5').update(head).digest('hex'),
    tailMd5: createHash('md5').update(tail).digest('hex'),
  };
}
