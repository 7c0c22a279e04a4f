import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Document } from 'yaml';
import { formatProblem, parseYamlWith, type Problem } from '../util/yaml-zod.js';
import { log } from '../log.js';
import { dirs } from '../xdg.js';
import { Profile } from './schema.js';

export type ProfileOrigin = 'shipped' | 'system' | 'user' | 'explicit';

export interface LoadedProfile {
  profile: Profile;
  path: string;
  origin: ProfileOrigin;
}

export type { Problem };

export interface ProfileDir {
  path: string;
  origin: ProfileOrigin;
}

/** Profiles shipped with discrun, beside dist/ (or src/ when run from source). */
export const SHIPPED_PROFILES = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'profiles');

/** Later directories win: a technician's user profile overrides the system one, which overrides the shipped one. */
export function defaultProfileDirs(env: NodeJS.ProcessEnv = process.env): ProfileDir[] {
  const d = dirs(env);
  return [
    { path: SHIPPED_PROFILES, origin: 'shipped' },
    { path: d.systemProfiles, origin: 'system' },
    { path: join(d.config, 'profiles'), origin: 'user' },
  ];
}

export { formatProblem };

/** Parses one profile's YAML; every problem carries a line and column where one is known. */
export function parseProfile(text: string, path: string): { profile: Profile | null; problems: Problem[]; doc: Document | null } {
  const r = parseYamlWith(Profile, text, path);
  return { profile: r.value, problems: r.problems, doc: r.doc };
}

async function listYaml(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, depth: number): Promise<void> => {
    if (depth > 8) return;
    let names;
    try {
      names = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n.name);
      if (n.isDirectory()) await walk(p, depth + 1);
      else if (/\.ya?ml$/i.test(n.name)) out.push(p);
    }
  };
  await walk(dir, 0);
  return out.sort();
}

interface CacheEntry {
  mtimeMs: number;
  size: number;
  profile: Profile | null;
  problems: Problem[];
}

const CACHE_VERSION = 1;

export interface Catalogue {
  profiles: LoadedProfile[];
  problems: Problem[];
  /** Profiles hidden by one with the same id in a later directory. */
  overridden: LoadedProfile[];
}

/**
 * Loads every profile. Parsed profiles are cached by path, size and mtime, so a catalogue of
 * thousands of files loads in a few hundred milliseconds. A broken file is skipped with a problem;
 * it never stops the others from loading.
 */
export async function loadCatalogue(opts: { dirs?: ProfileDir[]; cacheFile?: string | null; extra?: string[] } = {}): Promise<Catalogue> {
  const roots = opts.dirs ?? defaultProfileDirs();
  const cacheFile = opts.cacheFile === undefined ? join(dirs().cache, `profiles-index-v${CACHE_VERSION}.json`) : opts.cacheFile;
  let cache: Record<string, CacheEntry> = {};
  if (cacheFile) {
    try {
      const raw = JSON.parse(await readFile(cacheFile, 'utf8')) as { version: number; entries: Record<string, CacheEntry> };
      if (raw.version === CACHE_VERSION) cache = raw.entries;
    } catch {
      // no cache yet, or a damaged one: rebuild
    }
  }
  const fresh: Record<string, CacheEntry> = {};
  let dirty = false;
  const loaded: LoadedProfile[] = [];
  const problems: Problem[] = [];
  const files: Array<{ path: string; origin: ProfileOrigin }> = [];
  for (const r of roots) for (const p of await listYaml(r.path)) files.push({ path: p, origin: r.origin });
  for (const p of opts.extra ?? []) files.push({ path: resolve(p), origin: 'explicit' });
  const stats = await Promise.all(files.map((f) => stat(f.path).catch(() => null)));
  for (const [i, f] of files.entries()) {
    const st = stats[i];
    if (!st) {
      problems.push({ path: f.path, line: null, col: null, field: null, message: 'cannot be read', severity: 'error' });
      continue;
    }
    let entry = cache[f.path];
    if (!entry || entry.mtimeMs !== st.mtimeMs || entry.size !== st.size) {
      let text: string;
      try {
        text = await readFile(f.path, 'utf8');
      } catch (e) {
        problems.push({ path: f.path, line: null, col: null, field: null, message: `cannot be read (${(e as NodeJS.ErrnoException).code})`, severity: 'error' });
        continue;
      }
      const r = parseProfile(text, f.path);
      entry = { mtimeMs: st.mtimeMs, size: st.size, profile: r.profile, problems: r.problems };
      dirty = true;
    }
    fresh[f.path] = entry;
    problems.push(...entry.problems);
    if (entry.profile) loaded.push({ profile: entry.profile, path: f.path, origin: f.origin });
    else log().warn({ path: f.path, problems: entry.problems }, 'profile skipped');
  }
  if (cacheFile && (dirty || Object.keys(cache).length !== Object.keys(fresh).length)) {
    try {
      await mkdir(dirname(cacheFile), { recursive: true });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify({ version: CACHE_VERSION, entries: fresh }));
      await rename(tmp, cacheFile);
    } catch (e) {
      log().warn({ err: e, cacheFile }, 'profile cache not written');
    }
  }
  // Precedence by origin order: the last definition of an id wins; earlier ones are overridden.
  const rank: Record<ProfileOrigin, number> = { shipped: 0, system: 1, user: 2, explicit: 3 };
  const byId = new Map<string, LoadedProfile>();
  const overridden: LoadedProfile[] = [];
  for (const p of loaded) {
    const prev = byId.get(p.profile.id);
    if (prev && rank[prev.origin] === rank[p.origin]) {
      problems.push({ path: p.path, line: null, col: null, field: 'id', message: `duplicate id "${p.profile.id}" (also in ${prev.path})`, severity: 'error' });
      continue;
    }
    if (prev) overridden.push(prev);
    byId.set(p.profile.id, p);
  }
  return { profiles: [...byId.values()], problems, overridden };
}
