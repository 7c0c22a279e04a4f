import { lstat, open, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DiscError, fromFsError } from '../errors.js';
import { assertSafeName, joinDiscPath, lookupKey, normalizeSegment } from './paths.js';
import type { Disc, DiscEntry, DiscSource, VolumeInfo } from './types.js';

interface Node {
  entry: DiscEntry;
  abs: string;
  children?: Node[];
  byKey?: Map<string, Node>;
}

const MAX_ENTRIES = 1_000_000;

/**
 * A disc copied to a folder, or mounted by the desktop. Lookups are case-insensitive like a CD
 * seen from Windows. Symbolic links to directories are not followed (they can loop).
 */
export class FolderDisc implements Disc {
  bytesRead = 0;
  private readonly root: Node;
  private count = 0;

  constructor(
    readonly source: DiscSource,
    readonly volume: VolumeInfo,
  ) {
    this.root = { entry: { path: '', name: '', size: 0, isDir: true, mtime: null }, abs: source.path };
  }

  static async open(path: string, volume: Partial<VolumeInfo> = {}): Promise<FolderDisc> {
    try {
      const st = await stat(path);
      if (!st.isDirectory()) throw new DiscError('not-a-directory', { path });
    } catch (e) {
      throw e instanceof DiscError ? e : fromFsError(e, path);
    }
    return new FolderDisc(
      { kind: 'folder', path },
      {
        // A folder has no volume label; desktops name a mounted disc's folder after its label.
        label: basename(path) || null, publisher: null, preparer: null, application: null, systemId: null, volumeSetId: null,
        created: null, modified: null, filesystems: [], macName: null, macOnly: false, sizeBytes: 0, listedWith: null, cdSerial: null,
        ...volume,
      },
    );
  }

  private async load(dir: Node): Promise<Node[]> {
    if (dir.children) return dir.children;
    let names: string[];
    try {
      names = await readdir(dir.abs);
    } catch (e) {
      throw fromFsError(e, dir.abs);
    }
    names.sort();
    const out: Node[] = [];
    const byKey = new Map<string, Node>();
    for (const name of names) {
      assertSafeName(name, this.source.path);
      const abs = join(dir.abs, name);
      let st;
      try {
        const l = await lstat(abs);
        st = l.isSymbolicLink() ? await stat(abs).catch(() => null) : l;
        if (l.isSymbolicLink() && st?.isDirectory()) continue;
      } catch (e) {
        throw fromFsError(e, abs);
      }
      if (!st || !(st.isFile() || st.isDirectory())) continue;
      if (++this.count > MAX_ENTRIES) throw new DiscError('too-large', { path: this.source.path, what: `more than ${MAX_ENTRIES} entries` });
      const isDir = st.isDirectory();
      const node: Node = { abs, entry: { path: joinDiscPath(dir.entry.path, name), name, size: isDir ? 0 : st.size, isDir, mtime: st.mtime } };
      out.push(node);
      const k = normalizeSegment(name);
      if (!byKey.has(k)) byKey.set(k, node);
    }
    dir.children = out;
    dir.byKey = byKey;
    return out;
  }

  private async find(path: string): Promise<Node | null> {
    let cur = this.root;
    for (const seg of lookupKey(path).split('/').filter(Boolean)) {
      if (!cur.entry.isDir) return null;
      await this.load(cur);
      const next = cur.byKey!.get(seg);
      if (!next) return null;
      cur = next;
    }
    return cur;
  }

  /** Host path of a disc path, for runners that hand files to an engine. */
  async hostPath(path: string): Promise<string | null> {
    return (await this.find(path))?.abs ?? null;
  }

  async list(): Promise<DiscEntry[]> {
    const out: DiscEntry[] = [];
    const walk = async (dir: Node): Promise<void> => {
      for (const c of await this.load(dir)) {
        out.push(c.entry);
        if (c.entry.isDir) await walk(c);
      }
    };
    await walk(this.root);
    return out;
  }

  async readdir(path: string): Promise<DiscEntry[]> {
    const n = await this.find(path);
    if (!n) throw new DiscError('not-found', { path });
    if (!n.entry.isDir) throw new DiscError('not-a-directory', { path });
    return (await this.load(n)).map((c) => c.entry);
  }

  async stat(path: string): Promise<DiscEntry | null> {
    return (await this.find(path))?.entry ?? null;
  }

  async read(path: string, offset: number, length: number): Promise<Buffer> {
    const n = await this.find(path);
    if (!n) throw new DiscError('not-found', { path });
    if (n.entry.isDir) throw new DiscError('not-a-file', { path });
    const start = Math.max(0, Math.min(offset, n.entry.size));
    const len = Math.max(0, Math.min(n.entry.size, offset + length) - start);
    let fh;
    try {
      fh = await open(n.abs, 'r');
      const buf = Buffer.alloc(len);
      let done = 0;
      while (done < len) {
        const { bytesRead } = await fh.read(buf, done, len - done, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      this.bytesRead += done;
      return done === len ? buf : buf.subarray(0, done);
    } catch (e) {
      throw e instanceof DiscError ? e : fromFsError(e, n.abs);
    } finally {
      await fh?.close().catch(() => {});
    }
  }

  async close(): Promise<void> {}
}
