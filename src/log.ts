import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { dirs } from './xdg.js';

export type { Logger };

let shared: Logger | null = null;

/**
 * Structured logs for machines. The CLI appends them to a file in the state directory (people
 * see short sentences instead); `--verbose` mirrors them to stderr; the daemon logs to stdout.
 */
export function initLogger(opts: { to: 'file' | 'stdout' | 'stderr'; level?: string; name?: string }): Logger {
  const level = opts.level ?? process.env.DISCRUN_LOG_LEVEL ?? 'info';
  let dest: pino.DestinationStream;
  if (opts.to === 'file') {
    const dir = dirs().state;
    try {
      mkdirSync(dir, { recursive: true });
      dest = pino.destination({ dest: join(dir, 'discrun.log'), append: true, sync: true });
    } catch {
      dest = pino.destination({ dest: 2, sync: true });
    }
  } else {
    dest = pino.destination({ dest: opts.to === 'stdout' ? 1 : 2, sync: true });
  }
  shared = pino({ level, base: { pid: process.pid, name: opts.name ?? 'discrun' } }, dest);
  return shared;
}

export function log(): Logger {
  return (shared ??= pino({ level: 'silent' }));
}
