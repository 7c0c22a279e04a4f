import { execFileSync } from 'node:child_process';
import { listWith7z } from '../../src/disc/index.js';
import type { DiscEntry } from '../../src/disc/index.js';

/** A listing reduced to what two independent readers must agree on: paths and sizes. */
export function shape(entries: readonly DiscEntry[]): string[] {
  return entries.map((e) => `${e.isDir ? 'd' : 'f'} ${e.path} ${e.isDir ? '' : e.size}`).sort();
}

export async function sevenZipShape(path: string, type?: string): Promise<string[]> {
  return shape((await listWith7z(path, type)).entries);
}

export function run(cmd: string, args: string[], opts: { cwd?: string } = {}): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, ...opts });
}
