import type { Disc, DiscEntry } from '../disc/index.js';

/** Random access to one file, with the first bytes cached: every sniffer starts there. */
export interface FileView {
  readonly path: string;
  readonly size: number;
  /** Up to `length` bytes at `offset`, clipped to the file. */
  read(offset: number, length: number): Promise<Buffer>;
  head(length?: number): Promise<Buffer>;
  tail(length: number): Promise<Buffer>;
}

const HEAD = 4096;

export function discFile(disc: Disc, entry: DiscEntry): FileView {
  return viewOf(entry.path, entry.size, (o, l) => disc.read(entry.path, o, l));
}

export function bufferFile(path: string, buf: Buffer): FileView {
  return viewOf(path, buf.length, async (o, l) => Buffer.from(buf.subarray(o, o + l)));
}

function viewOf(path: string, size: number, readRaw: (o: number, l: number) => Promise<Buffer>): FileView {
  let head: Buffer | null = null;
  const read = async (offset: number, length: number): Promise<Buffer> => {
    if (offset < 0 || offset >= size || length <= 0) return Buffer.alloc(0);
    const len = Math.min(length, size - offset);
    if (head && offset + len <= head.length) return head.subarray(offset, offset + len);
    return readRaw(offset, len);
  };
  return {
    path,
    size,
    read,
    async head(length = HEAD) {
      if (!head || head.length < Math.min(length, size)) head = await readRaw(0, Math.min(Math.max(length, HEAD), size));
      return head.subarray(0, Math.min(length, head.length));
    },
    tail: (length: number) => read(Math.max(0, size - length), Math.min(length, size)),
  };
}
