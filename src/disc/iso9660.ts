import { DiscError } from '../errors.js';
import { cleanIsoName } from './paths.js';
import type { Extent, FileSystemReader, FsNode } from './tree.js';
import type { FsKind } from './types.js';
import { SECTOR, type LogicalVolume } from './volume.js';

/** ECMA-119 volume descriptors: what the disc says about itself. */
export interface IsoDescriptors {
  pvd: Buffer;
  joliet: Buffer | null;
  elTorito: boolean;
  volumeSpaceSize: number;
}

const MAX_DESCRIPTORS = 64;
const MAX_DIR_BYTES = 64 << 20;
const MAX_CONTINUATIONS = 32;

export async function readIsoDescriptors(vol: LogicalVolume): Promise<IsoDescriptors | null> {
  let pvd: Buffer | null = null;
  let joliet: Buffer | null = null;
  let elTorito = false;
  for (let lba = 16; lba < 16 + MAX_DESCRIPTORS && lba < vol.sectorCount; lba++) {
    const d = await vol.readSectors(lba, 1);
    if (d.toString('latin1', 1, 6) !== 'CD001') {
      if (lba === 16) return null;
      break;
    }
    const type = d[0];
    if (type === 255) break;
    if (type === 1 && !pvd) pvd = d;
    else if (type === 2 && !joliet && d[88] === 0x25 && d[89] === 0x2f && [0x40, 0x43, 0x45].includes(d[90]!)) joliet = d;
    else if (type === 0 && d.toString('latin1', 7, 30) === 'EL TORITO SPECIFICATION') elTorito = true;
  }
  if (!pvd) return null;
  const blockSize = pvd.readUInt16LE(128);
  if (blockSize !== SECTOR) throw new DiscError('corrupt', { path: vol.path, what: `logical block size ${blockSize} instead of 2048` });
  return { pvd, joliet, elTorito, volumeSpaceSize: pvd.readUInt32LE(80) };
}

export function aString(buf: Buffer, start: number, len: number): string | null {
  const s = buf.toString('latin1', start, start + len).replace(/\0/g, ' ').trim();
  return s === '' ? null : s;
}

export function ucs2String(buf: Buffer, start: number, len: number): string | null {
  const s = decodeUcs2be(buf.subarray(start, start + len)).replace(/\0/g, ' ').trim();
  return s === '' ? null : s;
}

/** UCS-2 big-endian, as Joliet and UDF write names. */
export function decodeUcs2be(b: Buffer): string {
  const n = b.length & ~1;
  const swapped = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i += 2) {
    swapped[i] = b[i + 1]!;
    swapped[i + 1] = b[i]!;
  }
  return swapped.toString('utf16le');
}

/** 17-byte volume date: 16 ASCII digits and a GMT offset in 15-minute units. */
export function volumeDate(buf: Buffer, at: number): Date | null {
  const digits = buf.toString('latin1', at, at + 16);
  if (!/^\d{16}$/.test(digits) || /^0+$/.test(digits)) return null;
  const n = (a: number, b: number) => Number(digits.slice(a, b));
  const offset = buf.readInt8(at + 16) * 15;
  const t = Date.UTC(n(0, 4), n(4, 6) - 1, n(6, 8), n(8, 10), n(10, 12), n(12, 14), n(14, 16) * 10) - offset * 60_000;
  return Number.isFinite(t) && n(0, 4) >= 1900 ? new Date(t) : null;
}

/** 7-byte directory record date. Files of one disc share few distinct dates: reuse the objects. */
const dateCache = new Map<number, Date | null>();

function recordDate(buf: Buffer, at: number): Date | null {
  const key = buf.readUIntLE(at, 6) + buf[at + 6]! * 2 ** 48;
  let d = dateCache.get(key);
  if (d === undefined) {
    d = decodeRecordDate(buf, at);
    if (dateCache.size > 4096) dateCache.clear();
    dateCache.set(key, d);
  }
  return d;
}

function decodeRecordDate(buf: Buffer, at: number): Date | null {
  const y = buf[at]!;
  const mo = buf[at + 1]!;
  const d = buf[at + 2]!;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const t = Date.UTC(1900 + y, mo - 1, d, buf[at + 3]!, buf[at + 4]!, buf[at + 5]!) - buf.readInt8(at + 6) * 15 * 60_000;
  return Number.isFinite(t) ? new Date(t) : null;
}

interface RawRecord {
  /** The buffer holding the record; name and system-use areas are ranges of it (no copies). */
  buf: Buffer;
  nameAt: number;
  nameLen: number;
  suAt: number;
  suEnd: number;
  lba: number;
  extAttr: number;
  length: number;
  flags: number;
  mtime: Date | null;
}

type Naming = 'primary' | 'joliet' | 'rockridge';

export class Iso9660Reader implements FileSystemReader {
  readonly root: FsNode;
  private suspSkip = 0;

  private constructor(
    private readonly vol: LogicalVolume,
    readonly kind: FsKind,
    private readonly naming: Naming,
    rootRecord: RawRecord,
  ) {
    this.root = { name: '', isDir: true, size: rootRecord.length, mtime: rootRecord.mtime, extents: [dirExtent(rootRecord)], key: `iso:${rootRecord.lba}` };
  }

  /** Opens the tree of one descriptor. Rock Ridge names are used on the primary tree when present. */
  static async open(vol: LogicalVolume, descriptor: Buffer, which: 'primary' | 'joliet'): Promise<{ reader: Iso9660Reader; rockRidge: boolean }> {
    const rootRec = parseRecord(descriptor, 156, 34, vol.path);
    if (!rootRec || !(rootRec.flags & 2)) throw new DiscError('corrupt', { path: vol.path, what: 'the root directory record is invalid' });
    let rockRidge = false;
    let skip = 0;
    if (which === 'primary') {
      // SUSP's SP entry sits in the system-use area of the root's "." record.
      const first = await vol.readSectors(rootRec.lba, 1).catch(() => null);
      const dot = first ? parseRecord(first, 0, first[0] ?? 0, vol.path) : null;
      const su = dot ? dot.buf.subarray(dot.suAt, dot.suEnd) : null;
      if (su && su.length >= 7 && su.toString('latin1', 0, 2) === 'SP' && su[4] === 0xbe && su[5] === 0xef) {
        rockRidge = true;
        skip = su[6]!;
      }
    }
    const naming: Naming = which === 'joliet' ? 'joliet' : rockRidge ? 'rockridge' : 'primary';
    const reader = new Iso9660Reader(vol, naming === 'primary' ? 'iso9660' : naming, naming, rootRec);
    reader.suspSkip = skip;
    return { reader, rockRidge };
  }

  async children(dir: FsNode): Promise<FsNode[]> {
    const ext = dir.extents[0];
    if (!ext) return [];
    if (ext.length > MAX_DIR_BYTES) throw new DiscError('too-large', { path: this.vol.path, what: `a directory of ${ext.length} bytes` });
    const data = await this.vol.readMeta(ext.offset, Math.ceil(ext.length / SECTOR) * SECTOR);
    const records = parseDirectory(data, ext.length, this.vol.path);
    const out: FsNode[] = [];
    let pending: { name: string; rec: RawRecord; extents: Extent[]; size: number } | null = null;
    for (const rec of records) {
      if (rec.nameLen === 1 && (rec.buf[rec.nameAt] === 0 || rec.buf[rec.nameAt] === 1)) continue;
      const rr = this.naming === 'rockridge' ? await this.rockRidge(rec) : null;
      if (rr?.relocated) continue;
      const name = rr?.name ?? this.decodeName(rec);
      const isDir = (rec.flags & 2) !== 0 || rr?.childLink !== undefined;
      if (isDir) {
        const lba = rr?.childLink ?? rec.lba;
        const length = rr?.childLink !== undefined ? await this.dirLengthAt(lba) : rec.length;
        out.push({ name, isDir: true, size: 0, mtime: rec.mtime, extents: [{ offset: lba * SECTOR, length }], key: `iso:${lba}` });
        pending = null;
        continue;
      }
      // Multi-extent files: every record but the last has flag 0x80; all share the name.
      const piece: Extent = { offset: (rec.lba + rec.extAttr) * SECTOR, length: rec.length };
      if (pending && pending.name === name) {
        pending.extents.push(piece);
        pending.size += rec.length;
      } else {
        pending = { name, rec, extents: [piece], size: rec.length };
      }
      if (!(rec.flags & 0x80)) {
        out.push({ name, isDir: false, size: pending.size, mtime: pending.rec.mtime, extents: pending.extents, key: `iso:${pending.rec.lba}` });
        pending = null;
      }
    }
    if (pending) out.push({ name: pending.name, isDir: false, size: pending.size, mtime: pending.rec.mtime, extents: pending.extents, key: `iso:${pending.rec.lba}` });
    return out;
  }

  private decodeName(rec: RawRecord): string {
    const { buf, nameAt, nameLen } = rec;
    let s = '';
    if (this.naming === 'joliet') {
      for (let i = nameAt; i + 1 < nameAt + nameLen; i += 2) s += String.fromCharCode((buf[i]! << 8) | buf[i + 1]!);
    } else {
      s = buf.toString('latin1', nameAt, nameAt + nameLen);
    }
    return cleanIsoName(s);
  }

  private async dirLengthAt(lba: number): Promise<number> {
    const s = await this.vol.readSectors(lba, 1);
    const dot = parseRecord(s, 0, s[0] ?? 0, this.vol.path);
    if (!dot) throw new DiscError('corrupt', { path: this.vol.path, what: `no directory at sector ${lba}` });
    return dot.length;
  }

  /** Rock Ridge NM (name), RE (relocated: hide) and CL (child link) from the SUSP area and its CE continuations. */
  private async rockRidge(rec: RawRecord): Promise<{ name: string | null; relocated: boolean; childLink?: number }> {
    let area: Buffer | null = rec.buf.subarray(Math.min(rec.suAt + this.suspSkip, rec.suEnd), rec.suEnd);
    const nameParts: Buffer[] = [];
    let named = false;
    let relocated = false;
    let childLink: number | undefined;
    for (let hop = 0; area && hop < MAX_CONTINUATIONS; hop++) {
      let next: Buffer | null = null;
      let p = 0;
      while (p + 4 <= area.length) {
        const sig = area.toString('latin1', p, p + 2);
        const len = area[p + 2]!;
        if (len < 4 || p + len > area.length) break;
        const body = area.subarray(p + 4, p + len);
        if (sig === 'NM' && body.length >= 1) {
          const flags = body[0]!;
          if (!(flags & 0x06)) {
            nameParts.push(body.subarray(1));
            named = true;
          }
        } else if (sig === 'RE') relocated = true;
        else if (sig === 'CL' && body.length >= 4) childLink = body.readUInt32LE(0);
        else if (sig === 'CE' && body.length >= 24) {
          const block = body.readUInt32LE(0);
          const off = body.readUInt32LE(8);
          const clen = body.readUInt32LE(16);
          if (clen > 0 && clen <= SECTOR * 4 && off < SECTOR) next = await this.vol.readMeta(block * SECTOR + off, clen);
          else throw new DiscError('corrupt', { path: this.vol.path, what: 'a Rock Ridge continuation area is out of bounds' });
        } else if (sig === 'ST') break;
        p += len;
      }
      area = next;
    }
    const name = named ? Buffer.concat(nameParts).toString('utf8') : null;
    return childLink === undefined ? { name, relocated } : { name, relocated, childLink };
  }
}

function dirExtent(rec: RawRecord): Extent {
  return { offset: (rec.lba + rec.extAttr) * SECTOR, length: rec.length };
}

function parseRecord(buf: Buffer, at: number, len: number, path: string): RawRecord | null {
  if (len < 34 || at + len > buf.length) return null;
  const nameLen = buf[at + 32]!;
  if (33 + nameLen > len) throw new DiscError('corrupt', { path, what: 'a directory record name overruns its record' });
  const suStart = 33 + nameLen + (nameLen % 2 === 0 ? 1 : 0);
  return {
    buf,
    nameAt: at + 33,
    nameLen,
    suAt: at + Math.min(suStart, len),
    suEnd: at + len,
    extAttr: buf[at + 1]!,
    lba: buf.readUInt32LE(at + 2),
    length: buf.readUInt32LE(at + 10),
    mtime: recordDate(buf, at + 18),
    flags: buf[at + 25]!,
  };
}

function parseDirectory(data: Buffer, length: number, path: string): RawRecord[] {
  const out: RawRecord[] = [];
  const end = Math.min(length, data.length);
  let p = 0;
  while (p < end) {
    const len = data[p]!;
    if (len === 0) {
      // Records never cross a sector boundary; zero padding means "continue in the next sector".
      p = (Math.floor(p / SECTOR) + 1) * SECTOR;
      continue;
    }
    const sectorEnd = (Math.floor(p / SECTOR) + 1) * SECTOR;
    if (len < 34 || p + len > sectorEnd) throw new DiscError('corrupt', { path, what: `a directory record at byte ${p} is malformed` });
    const rec = parseRecord(data, p, len, path);
    if (rec) out.push(rec);
    p += len;
  }
  return out;
}
