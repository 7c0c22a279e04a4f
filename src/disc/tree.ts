import { DiscError } from '../errors.js';
import { assertSafeName, joinDiscPath, lookupKey, normalizeSegment } from './paths.js';
import type { Disc, DiscEntry, DiscSource, FsKind, VolumeInfo } from './types.js';
import type { LogicalVolume } from './volume.js';

/** A byte range of the logical volume. */
export interface Extent {
  readonly offset: number;
  readonly length: number;
}

export interface FsNode {
  readonly name: string;
  readonly isDir: boolean;
  readonly size: number;
  readonly mtime: Date | null;
  readonly extents: readonly Extent[];
  /** Data stored inside the file entry itself (UDF embedded files). */
  readonly inline?: Buffer;
  /** Identity of a directory on the medium, to catch directories that contain themselves. */
  readonly key: string;
}

/** One filesystem's view of a volume: a root and a way to list a directory. */
export interface FileSystemReader {
  readonly kind: FsKind;
  readonly root: FsNode;
  children(dir: FsNode): Promise<FsNode[]>;
}

const MAX_ENTRIES = 1_000_000;
const MAX_DEPTH = 128;

interface Loaded {
  node: FsNode;
  path: string;
  children?: Loaded[];
  byKey?: Map<string, Loaded>;
}

/** A disc backed by a parsed filesystem over a logical volume. Directories are read lazily, once. */
export class TreeDisc implements Disc {
  private readonly root: Loaded;
  private entryCount = 0;
  private readonly seenDirs = new Set<string>();

  constructor(
    readonly source: DiscSource,
    readonly volume: VolumeInfo,
    private readonly vol: LogicalVolume,
    private readonly fs: FileSystemReader,
  ) {
    this.root = { node: fs.root, path: '' };
    this.seenDirs.add(fs.root.key);
  }

  get bytesRead(): number {
    return this.vol.src.bytesRead;
  }

  private async load(dir: Loaded, depth: number): Promise<Loaded[]> {
    if (dir.children) return dir.children;
    if (depth > MAX_DEPTH) throw new DiscError('corrupt', { path: this.source.path, what: `directories nested deeper than ${MAX_DEPTH} levels` });
    const kids = await this.fs.children(dir.node);
    const out: Loaded[] = [];
    for (const node of kids) {
      assertSafeName(node.name, this.source.path);
      if (++this.entryCount > MAX_ENTRIES) throw new DiscError('too-large', { path: this.source.path, what: `more than ${MAX_ENTRIES} entries` });
      if (node.isDir) {
        if (this.seenDirs.has(node.key)) throw new DiscError('loop', { path: this.source.path, dir: joinDiscPath(dir.path, node.name) });
        this.seenDirs.add(node.key);
      }
      for (const x of node.extents) {
        if (x.offset + x.length > this.vol.sizeBytes) {
          throw new DiscError('truncated', { path: this.source.path, what: `the data of ${joinDiscPath(dir.path, node.name)}` });
        }
      }
      out.push({ node, path: joinDiscPath(dir.path, node.name) });
    }
    dir.children = out;
    return out;
  }

  /** The lookup index of a directory, built on first lookup (a plain listing never needs it). */
  private index(dir: Loaded): Map<string, Loaded> {
    if (!dir.byKey) {
      dir.byKey = new Map();
      for (const c of dir.children ?? []) {
        const k = normalizeSegment(c.node.name);
        if (!dir.byKey.has(k)) dir.byKey.set(k, c); // first entry wins, as Windows' CDFS does
      }
    }
    return dir.byKey;
  }

  private async find(path: string): Promise<{ hit: Loaded; depth: number } | null> {
    const segs = lookupKey(path).split('/').filter(Boolean);
    let cur = this.root;
    let depth = 0;
    for (const seg of segs) {
      if (!cur.node.isDir) return null;
      await this.load(cur, depth);
      const next = this.index(cur).get(seg);
      if (!next) return null;
      cur = next;
      depth++;
    }
    return { hit: cur, depth };
  }

  async list(): Promise<DiscEntry[]> {
    const out: DiscEntry[] = [];
    const walk = async (dir: Loaded, depth: number): Promise<void> => {
      for (const child of await this.load(dir, depth)) {
        out.push(toEntry(child));
        if (child.node.isDir) await walk(child, depth + 1);
      }
    };
    await walk(this.root, 0);
    return out;
  }

  async readdir(path: string): Promise<DiscEntry[]> {
    const found = await this.find(path);
    if (!found) throw new DiscError('not-found', { path });
    if (!found.hit.node.isDir) throw new DiscError('not-a-directory', { path });
    return (await this.load(found.hit, found.depth)).map(toEntry);
  }

  async stat(path: string): Promise<DiscEntry | null> {
    const found = await this.find(path);
    if (!found) return null;
    return found.hit === this.root ? { path: '', name: '', size: 0, isDir: true, mtime: null } : toEntry(found.hit);
  }

  async read(path: string, offset: number, length: number): Promise<Buffer> {
    const found = await this.find(path);
    if (!found) throw new DiscError('not-found', { path });
    const node = found.hit.node;
    if (node.isDir) throw new DiscError('not-a-file', { path });
    const start = Math.max(0, Math.min(offset, node.size));
    const end = Math.max(start, Math.min(node.size, offset + length));
    if (node.inline) return Buffer.from(node.inline.subarray(start, end));
    const parts: Buffer[] = [];
    let fileOff = 0;
    for (const x of node.extents) {
      const xs = fileOff;
      const xe = fileOff + x.length;
      fileOff = xe;
      if (xe <= start || xs >= end) continue;
      const from = Math.max(start, xs);
      const to = Math.min(end, xe);
      parts.push(await this.vol.readBytes(x.offset + (from - xs), to - from));
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  async close(): Promise<void> {
    await this.vol.src.close();
  }
}

function toEntry(l: Loaded): DiscEntry {
  return { path: l.path, name: l.node.name, size: l.node.isDir ? 0 : l.node.size, isDir: l.node.isDir, mtime: l.node.mtime };
}
