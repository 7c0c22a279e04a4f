import { homedir } from 'node:os';
import { join } from 'node:path';

/** discrun's own directories, per the XDG base directory spec. */
export interface Dirs {
  config: string;
  data: string;
  state: string;
  cache: string;
  runtime: string;
  /** System-wide profiles, below the user's in precedence. */
  systemProfiles: string;
}

export function dirs(env: NodeJS.ProcessEnv = process.env): Dirs {
  const home = env.HOME || homedir();
  const base = (v: string | undefined, fallback: string) => (v && v.startsWith('/') ? v : fallback);
  const uid = process.getuid?.() ?? 0;
  return {
    config: join(base(env.XDG_CONFIG_HOME, join(home, '.config')), 'discrun'),
    data: join(base(env.XDG_DATA_HOME, join(home, '.local', 'share')), 'discrun'),
    state: join(base(env.XDG_STATE_HOME, join(home, '.local', 'state')), 'discrun'),
    cache: join(base(env.XDG_CACHE_HOME, join(home, '.cache')), 'discrun'),
    runtime: join(base(env.XDG_RUNTIME_DIR, join('/tmp', `discrun-${uid}`)), 'discrun'),
    systemProfiles: env.DISCRUN_SYSTEM_PROFILES || '/etc/discrun/profiles',
  };
}
