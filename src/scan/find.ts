import { createHash } from 'node:crypto';
import { opendir, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';

export interface Candidate {
  /** Absolute path of the image or disc folder. */
  path: string;
  /** Path relative to the scan root it was found under (stable across machines: used for shards). */
  rel: string;
  root: string;
  kind: 'image' | 'folder';
}

export interface FindProblem {
  path: string;
  code: string;
}

const IMAGE = /\.(iso|cue|nrg|img|mdf)$/i;
const MAX_DEPTH = 32;

/**
 * Finds disc images (.iso, .cue, .nrg, .img, .mdf; a .bin only when no .cue names it) and disc
 * folders (a folder holding an AUTORUN.INF or a VIDEO_TS) below the roots. Symbolic-link loops,
 * unreadable folders and permission errors are reported, never fatal.
 */
export async function* findDiscs(roots: string[], problems: FindProblem[]): AsyncGenerator<Candidate> {
  const seen = new Set<string>();
  for (const r of roots) {
    const root = resolve(r);
    let st;
    try {
      st = await stat(root);
    } catch (e) {
      problems.push({ path: root, code: (e as NodeJS.ErrnoException).code ?? 'EIO' });
      continue;
    }
    if (st.isFile()) {
      yield { path: root, rel: root.split('/').pop()!, root: resolve(root, '..'), kind: 'image' };
      continue;
    }
    yield* walk(root, root, 0, seen, problems);
  }
}

async function* walk(dir: string, root: string, depth: number, seen: Set<string>, problems: FindProblem[]): AsyncGenerator<Candidate> {
  if (depth > MAX_DEPTH) {
    problems.push({ path: dir, code: 'ELOOP' });
    return;
  }
  let real: string;
  try {
    real = await realpath(dir);
  } catch (e) {
    problems.push({ path: dir, code: (e as NodeJS.ErrnoException).code ?? 'EIO' });
    return;
  }
  // A folder reached twice (a symbolic link back up the tree) is walked once.
  if (seen.has(real)) {
    if (depth > 0) problems.push({ path: dir, code: 'ELOOP' });
    return;
  }
  seen.add(real);
  const names: Array<{ name: string; isDir: boolean; isFile: boolean }> = [];
  try {
    const d = await opendir(dir);
    for await (const e of d) {
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        const t = await stat(join(dir, e.name)).catch((err: NodeJS.ErrnoException) => {
          problems.push({ path: join(dir, e.name), code: err.code ?? 'EIO' });
          return null;
        });
        isDir = !!t?.isDirectory();
        isFile = !!t?.isFile();
      }
      names.push({ name: e.name, isDir, isFile });
    }
  } catch (e) {
    problems.push({ path: dir, code: (e as NodeJS.ErrnoException).code ?? 'EIO' });
    return;
  }
  names.sort((a, b) => (a.name < b.name ? -1 : 1));
  const lower = new Set(names.map((n) => n.name.toLowerCase()));
  if (depth > 0 && (lower.has('autorun.inf') || lower.has('video_ts'))) {
    yield { path: dir, rel: relative(root, dir), root, kind: 'folder' };
    return;
  }
  const cues = names.filter((n) => /\.cue$/i.test(n.name)).map((n) => n.name.replace(/\.cue$/i, '').toLowerCase());
  for (const n of names) {
    const p = join(dir, n.name);
    if (n.isDir) yield* walk(p, root, depth + 1, seen, problems);
    else if (n.isFile && (IMAGE.test(n.name) || (/\.bin$/i.test(n.name) && !cues.includes(n.name.replace(/\.bin$/i, '').toLowerCase())))) {
      yield { path: p, rel: relative(root, p), root, kind: 'image' };
    }
  }
}

/** Shard I of N (1-based): a stable hash of the path relative to its root, so machines agree. */
export function inShard(c: Candidate, shard: { index: number; count: number } | null): boolean {
  if (!shard || shard.count <= 1) return true;
  const h = createHash('sha1').update(c.rel).digest().readUInt32BE(0);
  return h % shard.count === shard.index - 1;
}
