import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { DiscError, fromFsError } from '../errors.js';

/** Random access to the bytes of an image file or a block device. Read-only, always. */
export interface ByteSource {
  readonly path: string;
  readonly size: number;
  /** Exactly `length` bytes at `offset`, or a `truncated` error. */
  read(offset: number, length: number): Promise<Buffer>;
  readonly bytesRead: number;
  close(): Promise<void>;
}

export class FileByteSource implements ByteSource {
  bytesRead = 0;
  private constructor(
    readonly path: string,
    private readonly fh: FileHandle | null,
    readonly size: number,
    /** Page-cached image files are read synchronously: a thread-pool round trip costs more than the copy. */
    private readonly sync: boolean,
    private readonly fd: number,
  ) {}

  static async open(path: string): Promise<FileByteSource> {
    // A regular file opens synchronously (microseconds); anything else (a drive) goes through the thread pool.
    let fd = -1;
    try {
      fd = openSync(path, 'r');
      const st = fstatSync(fd);
      if (st.isFile()) return new FileByteSource(path, null, st.size, true, fd);
      closeSync(fd);
    } catch (e) {
      if (fd >= 0) closeSync(fd);
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES' || code === 'EPERM' || code === 'EISDIR') throw fromFsError(e, path);
    }
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (e) {
      throw fromFsError(e, path);
    }
    try {
      const st = await fh.stat();
      if (st.isDirectory()) throw new DiscError('not-a-file', { path });
      const size = st.isBlockDevice() ? await blockDeviceSize(st.rdev, path) : st.size;
      // A block device (an optical drive) may take seconds to spin up: never block the event loop on it.
      return new FileByteSource(path, fh, size, st.isFile(), fh.fd);
    } catch (e) {
      await fh.close().catch(() => {});
      throw e instanceof DiscError ? e : fromFsError(e, path);
    }
  }

  async read(offset: number, length: number): Promise<Buffer> {
    if (offset < 0 || length < 0 || !Number.isSafeInteger(offset + length)) {
      throw new DiscError('corrupt', { path: this.path, what: `invalid read at ${offset}` });
    }
    if (offset + length > this.size) {
      throw new DiscError('truncated', { path: this.path, what: `${length} bytes at offset ${offset}` });
    }
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      let n: number;
      try {
        if (this.sync || !this.fh) n = readSync(this.fd, buf, done, length - done, offset + done);
        else ({ bytesRead: n } = await this.fh.read(buf, done, length - done, offset + done));
      } catch (e) {
        throw fromFsError(e, this.path);
      }
      // A short read inside the declared size means the medium went away or the file shrank.
      if (n === 0) throw new DiscError('ejected', { path: this.path });
      done += n;
    }
    this.bytesRead += length;
    return buf;
  }

  async close(): Promise<void> {
    if (this.fh) await this.fh.close().catch(() => {});
    else {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
    }
  }
}

/** Size of a block device from sysfs: Node cannot issue BLKGETSIZE64. */
async function blockDeviceSize(rdev: number, path: string): Promise<number> {
  const major = Math.floor(rdev / 256) & 0xfff;
  const minor = (rdev & 0xff) | ((Math.floor(rdev / 4096) >>> 8) & 0xfff00);
  try {
    const sectors = Number((await readFile(`/sys/dev/block/${major}:${minor}/size`, 'utf8')).trim());
    if (!Number.isFinite(sectors) || sectors <= 0) throw new DiscError('ejected', { path });
    return sectors * 512;
  } catch (e) {
    throw e instanceof DiscError ? e : new DiscError('ejected', { path }, { cause: e });
  }
}

/** An in-memory source, for tests and for images assembled from pieces. */
export class BufferByteSource implements ByteSource {
  bytesRead = 0;
  constructor(
    readonly path: string,
    private readonly buf: Buffer,
  ) {}
  get size(): number {
    return this.buf.length;
  }
  async read(offset: number, length: number): Promise<Buffer> {
    if (offset < 0 || length < 0 || offset + length > this.buf.length) {
      throw new DiscError('truncated', { path: this.path, what: `${length} bytes at offset ${offset}` });
    }
    this.bytesRead += length;
    return Buffer.from(this.buf.subarray(offset, offset + length));
  }
  async close(): Promise<void> {}
}
