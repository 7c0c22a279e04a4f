import { stat } from 'node:fs/promises';
import type { Disc } from '../disc/index.js';
import { readMounts } from '../disc/mounts.js';

/** A check that says when the disc went away: an ejected disc, an unmounted folder, a deleted image. */
export function discGone(disc: Disc): () => Promise<boolean> {
  const src = disc.source;
  const mountPoint = src.mountPoint ?? null;
  return async () => {
    if (mountPoint) {
      const mounts = await readMounts();
      if (!mounts.some((m) => m.mountPoint === mountPoint)) return true;
    }
    try {
      await stat(src.path);
      return false;
    } catch {
      return true;
    }
  };
}
