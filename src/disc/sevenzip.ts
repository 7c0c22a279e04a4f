import { execa } from 'execa';
import { createRequire } from 'node:module';
import { DiscError } from '../errors.js';
import { findExecutable } from '../util/which.js';
import { lookupKey } from './paths.js';
import type { Disc, DiscEntry, VolumeInfo } from './types.js';

const require = createRequire(import.meta.url);
// node-7z is CommonJS without types; its list stream parses `7z l -slt` for us.
const Seven = require('node-7z') as {
  list(archive: string, opts: Record<string, unknown>): NodeJS.EventEmitter;
};

export async function sevenZipBinary(): Promise<string | null> {
  return (await findExecutable('7z')) ?? (await findExecutable('7zz'));
}

export interface SevenZipEntry extends DiscEntry {
  readonly archiveType: string | null;
}

/**
 * Lists an image with 7-Zip (`7z l -slt`). `type` forces a handler (`iso`, `udf`, …) so that a
 * bridge disc can be listed through either of its filesystems.
 */
export async function listWith7z(path: string, type?: string): Promise<{ type: string | null; entries: DiscEntry[] }> {
  const bin = await sevenZipBinary();
  if (!bin) throw new DiscError('tool-missing', { tool: '7z (7zip)' });
  const opts: Record<string, unknown> = { $bin: bin, techInfo: true, $spawnOptions: { env: { ...process.env, LC_ALL: 'C.UTF-8' } } };
  if (type) opts.$raw = [`-t${type}`];
  const entries: DiscEntry[] = [];
  let archiveType: string | null = null;
  await new Promise<void>((resolve, reject) => {
    const stream = Seven.list(path, opts);
    stream.on('data', (d: { file?: string; techInfo?: Map<string, string> }) => {
      const t = d.techInfo;
      if (!t || !d.file) return;
      const isDir = t.get('Folder') === '+' || (t.get('Attributes') ?? '').startsWith('D');
      const size = Number(t.get('Size') || 0);
      const mod = t.get('Modified');
      entries.push({
        path: d.file.replace(/\\/g, '/'),
        name: d.file.split(/[\\/]/).pop() ?? d.file,
        size: isDir ? 0 : size,
        isDir,
        mtime: mod ? new Date(mod.replace(' ', 'T') + 'Z') : null,
      });
    });
    stream.on('end', () => {
      const info = (stream as unknown as { info?: Map<string, string> }).info;
      archiveType = info?.get('Type') ?? null;
      resolve();
    });
    stream.on('error', (e: Error) => reject(new DiscError('unknown-format', { path }, { cause: e })));
  });
  return { type: archiveType, entries };
}

const MAX_FALLBACK_FILE = 256 << 20;

/** A disc in a format the native reader does not parse, read through 7-Zip. Slow, but it works. */
export class SevenZipDisc implements Disc {
  bytesRead = 0;
  private byKey: Map<string, DiscEntry>;
  private cache = new Map<string, Buffer>();

  private constructor(
    readonly source: { readonly kind: 'archive'; readonly path: string },
    readonly volume: VolumeInfo,
    private readonly entries: DiscEntry[],
    private readonly bin: string,
  ) {
    this.byKey = new Map();
    for (const e of entries) if (!this.byKey.has(lookupKey(e.path))) this.byKey.set(lookupKey(e.path), e);
  }

  static async open(path: string): Promise<SevenZipDisc> {
    const bin = await sevenZipBinary();
    if (!bin) throw new DiscError('tool-missing', { tool: '7z (7zip)' });
    const { type, entries } = await listWith7z(path);
    if (!type) throw new DiscError('unknown-format', { path });
    return new SevenZipDisc(
      { kind: 'archive', path },
      {
        label: null, publisher: null, preparer: null, application: null, systemId: null, volumeSetId: null,
        created: null, modified: null, filesystems: [], macName: null, macOnly: false, sizeBytes: 0, listedWith: null, cdSerial: null,
      },
      entries,
      bin,
    );
  }

  async list(): Promise<DiscEntry[]> {
    return this.entries;
  }

  async readdir(path: string): Promise<DiscEntry[]> {
    const key = lookupKey(path);
    return this.entries.filter((e) => {
      const k = lookupKey(e.path);
      const parent = k.includes('/') ? k.slice(0, k.lastIndexOf('/')) : '';
      return parent === key;
    });
  }

  async stat(path: string): Promise<DiscEntry | null> {
    const key = lookupKey(path);
    if (key === '') return { path: '', name: '', size: 0, isDir: true, mtime: null };
    return this.byKey.get(key) ?? null;
  }

  async read(path: string, offset: number, length: number): Promise<Buffer> {
    const e = await this.stat(path);
    if (!e) throw new DiscError('not-found', { path });
    if (e.isDir) throw new DiscError('not-a-file', { path });
    if (e.size > MAX_FALLBACK_FILE) throw new DiscError('too-large', { path: this.source.path, what: `${e.path} is ${e.size} bytes` });
    let data = this.cache.get(e.path);
    if (!data) {
      const r = await execa(this.bin, ['e', '-so', '-y', this.source.path, e.path], { encoding: 'buffer', reject: false, stripFinalNewline: false });
      if (r.exitCode !== 0) throw new DiscError('unreadable', { path: `${this.source.path}:${e.path}`, reason: '7-Zip could not extract it' });
      data = Buffer.from(r.stdout as Uint8Array);
      this.bytesRead += data.length;
      this.cache.set(e.path, data);
    }
    return Buffer.from(data.subarray(Math.max(0, offset), Math.max(0, offset) + length));
  }

  async close(): Promise<void> {
    this.cache.clear();
  }
}
