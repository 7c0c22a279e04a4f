import { cp, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { pidLock } from '../util/pid-lock.js';
import { join } from 'node:path';
import { DiscrunError } from '../errors.js';
import type { Dirs } from '../xdg.js';

/** Per-disc state directories, one kind per runner: Wine prefixes, DOSBox C: drives, ScummVM saves. */
export const STATE_KINDS = { wine: 'prefixes', dosbox: 'dosbox', scummvm: 'scummvm', ruffle: 'ruffle' } as const;
export type StateKind = keyof typeof STATE_KINDS;

/** Inside each kind, the part that holds a person's work. */
const SAVES: Record<StateKind, string[]> = {
  wine: ['drive_c/users', 'drive_c/probe'],
  dosbox: ['.'],
  scummvm: ['.'],
  ruffle: ['.'],
};

export interface StateEntry {
  kind: StateKind;
  id: string;
  path: string;
  title: string | null;
  label: string | null;
  lastUsed: string | null;
  created: string | null;
}

export function stateDir(dirs: Dirs, kind: StateKind, id: string): string {
  return join(dirs.data, STATE_KINDS[kind], id);
}

export async function listStates(dirs: Dirs): Promise<StateEntry[]> {
  const out: StateEntry[] = [];
  for (const kind of Object.keys(STATE_KINDS) as StateKind[]) {
    const base = join(dirs.data, STATE_KINDS[kind]);
    for (const id of await readdir(base).catch(() => [] as string[])) {
      if (id.includes('.') || id.startsWith('throwaway-')) continue;
      const path = join(base, id);
      if (!(await stat(path).catch(() => null))?.isDirectory()) continue;
      let meta: Record<string, unknown> = {};
      for (const f of ['discrun-prefix.json', 'discrun-state.json']) {
        try {
          meta = JSON.parse(await readFile(join(path, f), 'utf8'));
          break;
        } catch {
          // none
        }
      }
      out.push({
        kind, id, path,
        title: (meta.title as string) ?? null,
        label: (meta.label as string) ?? null,
        lastUsed: (meta.lastUsed as string) ?? null,
        created: (meta.created as string) ?? null,
      });
    }
  }
  return out.sort((a, b) => (b.lastUsed ?? '').localeCompare(a.lastUsed ?? '') || a.id.localeCompare(b.id));
}

/** An id, or an unambiguous start of one. */
export async function findState(dirs: Dirs, idOrPrefix: string): Promise<StateEntry[]> {
  const all = await listStates(dirs);
  const exact = all.filter((s) => s.id === idOrPrefix);
  if (exact.length) return exact;
  const hits = all.filter((s) => s.id.startsWith(idOrPrefix));
  if (!hits.length) throw new DiscrunError('not-found', { path: idOrPrefix });
  if (new Set(hits.map((h) => h.id)).size > 1) throw new DiscrunError('usage', { what: `"${idOrPrefix}" is ambiguous: ${[...new Set(hits.map((h) => h.id))].join(', ')}` });
  return hits;
}

/**
 * Keeps a copy of the saves, then removes the state (the next launch starts afresh). Saves are
 * never deleted: they go to `backups/<id>-<date>/`.
 */
export async function backupAndRemove(dirs: Dirs, s: StateEntry): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const backup = join(dirs.data, 'backups', `${s.kind}-${s.id}-${stamp}`);
  await mkdir(backup, { recursive: true });
  for (const part of SAVES[s.kind]) {
    const from = join(s.path, part);
    if (!(await stat(from).catch(() => null))) continue;
    await cp(from, join(backup, part === '.' ? '' : part), { recursive: true, verbatimSymlinks: true });
  }
  // Rename first: a half-removed prefix is never left where a launch would pick it up.
  const doomed = `${s.path}.removing-${process.pid}`;
  await rename(s.path, doomed);
  await rm(doomed, { recursive: true, force: true });
  return backup;
}

/**
 * One run per disc state at a time: a second launch of the same disc (two drives, a double
 * click) is refused instead of sharing a prefix. A lock left by a killed discrun is taken over.
 */
export async function acquireRunLock(dir: string): Promise<() => Promise<void>> {
  return pidLock(join(dir, '.discrun-running'), () => new DiscrunError('already-running'));
}
