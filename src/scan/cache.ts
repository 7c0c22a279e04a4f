import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ScanRow } from './row.js';

const VERSION = 3;

/**
 * Scan results by image path, size and modification time, and by the profile catalogue they were
 * matched against: an unchanged collection is read from here, one small file per disc (no index to
 * hold in memory).
 */
export class ScanCache {
  constructor(
    private readonly dir: string,
    private readonly catalogue: string,
  ) {}

  private file(path: string, size: number, mtimeMs: number): string {
    const k = createHash('sha256').update(`${VERSION}\0${this.catalogue}\0${path}\0${size}\0${mtimeMs}`).digest('hex');
    return join(this.dir, k.slice(0, 2), `${k}.json`);
  }

  private made = new Set<string>();

  // Small local files: synchronous calls cost microseconds, a thread-pool round trip more.
  async get(path: string, size: number, mtimeMs: number): Promise<ScanRow | null> {
    try {
      return JSON.parse(readFileSync(this.file(path, size, mtimeMs), 'utf8')) as ScanRow;
    } catch {
      return null;
    }
  }

  async put(path: string, size: number, mtimeMs: number, row: ScanRow): Promise<void> {
    const f = this.file(path, size, mtimeMs);
    const d = dirname(f);
    if (!this.made.has(d)) {
      mkdirSync(d, { recursive: true });
      this.made.add(d);
    }
    const tmp = `${f}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ ...row, smoke: null }));
    renameSync(tmp, f);
  }
}
