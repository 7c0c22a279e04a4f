import { watch as chokidar, type FSWatcher } from 'chokidar';
import { EventEmitter } from 'node:events';
import { join, resolve } from 'node:path';
import { isOpticalMount, readMounts, type MountEntry } from '../disc/mounts.js';

/** Where a disc appeared: it decides which drive (slot) it occupies. */
export interface DiscEvent {
  /** What to open: a mount point, a folder, an image file. */
  path: string;
  /** One program at a time per slot: a drive, a media root, a watch folder. */
  slot: string;
  origin: 'mount' | 'media-root' | 'watch';
}

export interface DiscSources extends EventEmitter {
  on(e: 'inserted', l: (d: DiscEvent) => void): this;
  on(e: 'removed', l: (d: DiscEvent) => void): this;
  on(e: 'error', l: (err: Error, where: string) => void): this;
  close(): Promise<void>;
}

const IMAGE = /\.(iso|cue|nrg|img|mdf)$/i;

/** Is this a mount the desktop made of a disc (udisks2 under /run/media/$USER or /media/$USER)? */
function isDiscMount(m: MountEntry, user: string): boolean {
  if (isOpticalMount(m)) return true;
  return (m.mountPoint.startsWith(`/run/media/${user}/`) || m.mountPoint.startsWith(`/media/${user}/`)) && /^\/dev\/(sr|scd|cdrom|dvd)/.test(m.source);
}

/**
 * Watches three kinds of places: the mount table (discs the desktop mounts), media roots (each
 * sub-folder is a disc) and watch folders (image files). A disc is announced once it has settled:
 * no change for `settleMs` (a copy in progress is not a disc yet).
 */
export function watchSources(opts: { mounts: boolean; mediaRoots: string[]; watch: string[]; settleMs: number; mountPollMs?: number; mountInfo?: string }): DiscSources {
  const em = new EventEmitter() as DiscSources;
  const user = process.env.USER ?? '';
  const watchers: FSWatcher[] = [];
  const timers = new Map<string, NodeJS.Timeout>();
  const present = new Map<string, DiscEvent>();
  let closed = false;

  const settle = (key: string, d: DiscEvent) => {
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(() => {
      timers.delete(key);
      if (closed || present.has(key)) return;
      present.set(key, d);
      em.emit('inserted', d);
    }, opts.settleMs));
  };
  const gone = (key: string) => {
    clearTimeout(timers.get(key));
    timers.delete(key);
    const d = present.get(key);
    if (d) {
      present.delete(key);
      em.emit('removed', d);
    }
  };

  let mountTimer: NodeJS.Timeout | null = null;
  if (opts.mounts) {
    const seen = new Map<string, MountEntry>();
    const poll = async () => {
      const now = new Map((await readMounts(opts.mountInfo)).filter((m) => isDiscMount(m, user)).map((m) => [m.mountPoint, m]));
      for (const [mp, m] of now) if (!seen.has(mp)) settle(`mount:${mp}`, { path: mp, slot: `drive:${m.source}`, origin: 'mount' });
      for (const mp of seen.keys()) if (!now.has(mp)) gone(`mount:${mp}`);
      seen.clear();
      for (const [k, v] of now) seen.set(k, v);
    };
    void poll();
    mountTimer = setInterval(() => void poll().catch((e) => em.emit('error', e, 'mounts')), opts.mountPollMs ?? 1000);
  }

  for (const root of opts.mediaRoots.map((r) => resolve(r))) {
    const w = chokidar(root, { depth: 0, ignoreInitial: false, persistent: true });
    const isChild = (p: string) => resolve(p, '..') === root;
    w.on('addDir', (p) => {
      if (isChild(p)) settle(`dir:${p}`, { path: p, slot: `root:${root}`, origin: 'media-root' });
    });
    // Files still arriving inside a disc folder restart its settle timer.
    w.on('all', (_e, p) => {
      const top = resolve(p).startsWith(root + '/') ? join(root, resolve(p).slice(root.length + 1).split('/')[0]!) : null;
      if (top && timers.has(`dir:${top}`) && top !== p) settle(`dir:${top}`, { path: top, slot: `root:${root}`, origin: 'media-root' });
    });
    w.on('unlinkDir', (p) => {
      if (isChild(p)) gone(`dir:${p}`);
    });
    w.on('error', (e) => em.emit('error', e as Error, root));
    watchers.push(w);
  }

  for (const dir of opts.watch.map((r) => resolve(r))) {
    const w = chokidar(dir, { depth: 4, ignoreInitial: false, persistent: true, awaitWriteFinish: { stabilityThreshold: Math.max(200, opts.settleMs), pollInterval: 100 } });
    const add = (p: string) => {
      if (!IMAGE.test(p)) return;
      settle(`file:${p}`, { path: p, slot: `watch:${dir}`, origin: 'watch' });
    };
    w.on('add', add);
    w.on('change', add);
    w.on('unlink', (p) => gone(`file:${p}`));
    w.on('error', (e) => em.emit('error', e as Error, dir));
    watchers.push(w);
  }

  em.close = async () => {
    closed = true;
    if (mountTimer) clearInterval(mountTimer);
    for (const t of timers.values()) clearTimeout(t);
    await Promise.all(watchers.map((w) => w.close()));
  };
  return em;
}
