import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** Debian puts some engines in /usr/games, which is not on root's PATH. */
const EXTRA_DIRS = ['/usr/games', '/usr/local/games', '/usr/lib/wine'];

const cache = new Map<string, string | null>();

/** DISCRUN_<NAME> (e.g. DISCRUN_BWRAP) overrides where a tool is found, or hides it when empty. */
export async function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const override = env[`DISCRUN_${name.toUpperCase().replace(/\W/g, '_')}`];
  if (override !== undefined) {
    try {
      await access(override, constants.X_OK);
      return override;
    } catch {
      return null;
    }
  }
  const key = `${name}\0${env.PATH ?? ''}`;
  if (cache.has(key)) return cache.get(key)!;
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  let found: string | null = null;
  for (const d of dirs) {
    const p = join(d, name);
    try {
      await access(p, constants.X_OK);
      found = p;
      break;
    } catch {
      // not here
    }
  }
  cache.set(key, found);
  return found;
}
