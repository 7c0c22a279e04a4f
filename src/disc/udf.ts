import { DiscError } from '../errors.js';
import { decodeUcs2be } from './iso9660.js';
import type { Extent, FileSystemReader, FsNode } from './tree.js';
import { SECTOR, type LogicalVolume } from './volume.js';

/**
 * UDF 1.02–2.01 (ECMA-167 with OSTA's profile), as pressed CD/DVD-ROMs use it: type-1 (and
 * sparable, read as type-1) partition maps, short/long/embedded allocation descriptors.
 * Metadata partitions (UDF 2.50+) are left to the 7-Zip fallback.
 */

const TAG_AVDP = 2;
const TAG_PD = 5;
const TAG_LVD = 6;
const TAG_TD = 8;
const TAG_FSD = 256;
const TAG_FID = 257;
const TAG_FE = 261;
const TAG_EFE = 266;
const MAX_DIR_BYTES = 64 << 20;
const MAX_AD_CHAIN = 4096;

export interface UdfInfo {
  label: string | null;
  created: Date | null;
}

/** True when the volume recognition sequence names NSR02/NSR03 (a UDF volume). */
export async function hasUdfRecognition(vol: LogicalVolume): Promise<boolean> {
  const known = new Set(['CD001', 'BEA01', 'TEA01', 'BOOT2', 'CDW02', 'NSR02', 'NSR03']);
  for (let lba = 16; lba < 16 + 32 && lba < vol.sectorCount; lba++) {
    const id = (await vol.readSectors(lba, 1)).toString('latin1', 1, 6);
    if (id === 'NSR02' || id === 'NSR03') return true;
    if (id === 'TEA01' || !known.has(id)) return false;
  }
  return false;
}

function tagId(b: Buffer, at = 0): number {
  return b.length >= at + 16 ? b.readUInt16LE(at) : -1;
}

/** Checks a descriptor tag's checksum byte so random data is not taken for a UDF structure. */
function validTag(b: Buffer, at = 0): boolean {
  if (b.length < at + 16) return false;
  let sum = 0;
  for (let i = 0; i < 16; i++) if (i !== 4) sum = (sum + b[at + i]!) & 0xff;
  return sum === b[at + 4];
}

/** OSTA CS0 d-string: compression id 8 (one byte a char) or 16 (UCS-2 BE). */
export function dstring(b: Buffer, at: number, len: number): string | null {
  const used = b[at + len - 1]!;
  if (used === 0 || used > len - 1) return null;
  return cs0(b.subarray(at, at + used)) || null;
}

/** Null for an unknown compression id: the caller decides whether that is fatal. */
function cs0(b: Buffer): string | null {
  if (b.length === 0) return '';
  const comp = b[0];
  if (comp === 8) return b.subarray(1).toString('latin1');
  if (comp === 16) return decodeUcs2be(b.subarray(1));
  return null;
}

function timestamp(b: Buffer, at: number): Date | null {
  const year = b.readInt16LE(at + 2);
  const mo = b[at + 4]!;
  const d = b[at + 5]!;
  if (year < 1900 || mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const tz = b.readUInt16LE(at) & 0x0fff;
  const offMin = (b.readUInt16LE(at) >> 12) === 1 && tz !== 0x0801 ? ((tz << 20) >> 20) : 0;
  const t = Date.UTC(year, mo - 1, d, b[at + 6]!, b[at + 7]!, b[at + 8]!, b[at + 9]! * 10 + Math.floor(b[at + 10]! / 10)) - offMin * 60_000;
  return Number.isFinite(t) ? new Date(t) : null;
}

interface Partition {
  number: number;
  start: number;
  length: number;
}

export class UdfReader implements FileSystemReader {
  readonly kind = 'udf' as const;
  root!: FsNode;
  info: UdfInfo = { label: null, created: null };
  private partitions: Partition[] = [];
  /** Partition reference number (index in the LVD's map table) → partition. */
  private maps: Partition[] = [];

  private constructor(private readonly vol: LogicalVolume) {}

  static async open(vol: LogicalVolume): Promise<UdfReader> {
    const r = new UdfReader(vol);
    await r.init();
    return r;
  }

  private corrupt(what: string): DiscError {
    return new DiscError('corrupt', { path: this.vol.path, what: `UDF: ${what}` });
  }

  private async init(): Promise<void> {
    let avdp: Buffer | null = null;
    for (const lba of [256, this.vol.sectorCount - 1, this.vol.sectorCount - 257]) {
      if (lba < 0 || lba >= this.vol.sectorCount) continue;
      const s = await this.vol.readSectors(lba, 1);
      if (tagId(s) === TAG_AVDP && validTag(s)) {
        avdp = s;
        break;
      }
    }
    if (!avdp) throw this.corrupt('no anchor volume descriptor');
    const vdsLen = avdp.readUInt32LE(16);
    const vdsLoc = avdp.readUInt32LE(20);
    const count = Math.min(Math.ceil(vdsLen / SECTOR), 64);
    let lvd: Buffer | null = null;
    for (let i = 0; i < count; i++) {
      const d = await this.vol.readSectors(vdsLoc + i, 1);
      if (!validTag(d)) continue;
      const id = tagId(d);
      if (id === TAG_TD) break;
      if (id === 1 && this.info.label === null) {
        this.info.label = dstring(d, 24, 32);
        this.info.created = timestamp(d, 376);
      }
      if (id === TAG_PD) this.partitions.push({ number: d.readUInt16LE(22), start: d.readUInt32LE(188), length: d.readUInt32LE(192) });
      if (id === TAG_LVD && !lvd) lvd = d;
    }
    if (!lvd) throw this.corrupt('no logical volume descriptor');
    const blockSize = lvd.readUInt32LE(212);
    if (blockSize !== SECTOR) throw this.corrupt(`logical block size ${blockSize}`);
    this.info.label = dstring(lvd, 84, 128) ?? this.info.label;
    const nMaps = lvd.readUInt32LE(268);
    let p = 440;
    for (let i = 0; i < nMaps && p + 2 <= lvd.length; i++) {
      const type = lvd[p]!;
      const len = lvd[p + 1]!;
      if (len < 2) throw this.corrupt('bad partition map');
      if (type === 1) {
        const num = lvd.readUInt16LE(p + 4);
        const part = this.partitions.find((x) => x.number === num);
        if (!part) throw this.corrupt(`partition ${num} not described`);
        this.maps.push(part);
      } else if (type === 2) {
        const ident = lvd.toString('latin1', p + 5, p + 5 + 23).replace(/\0.*$/, '');
        if (ident.startsWith('*UDF Sparable Partition')) {
          // Sparing only remaps defective packets on rewritable media; a pressed disc reads straight.
          const num = lvd.readUInt16LE(p + 38);
          const part = this.partitions.find((x) => x.number === num);
          if (!part) throw this.corrupt(`partition ${num} not described`);
          this.maps.push(part);
        } else {
          throw new DiscError('unknown-format', { path: this.vol.path }, { cause: new Error(`UDF partition map ${ident}`) });
        }
      }
      p += len;
    }
    if (this.maps.length === 0 && this.partitions[0]) this.maps.push(this.partitions[0]);
    // Logical volume contents use: long_ad of the file set descriptor.
    const fsdLoc = this.longAd(lvd, 248);
    const fsd = await this.readBlock(fsdLoc.part, fsdLoc.lbn);
    if (tagId(fsd) !== TAG_FSD) throw this.corrupt('no file set descriptor');
    const rootAd = this.longAd(fsd, 400);
    this.root = await this.nodeFromIcb('', rootAd.part, rootAd.lbn, true);
  }

  private longAd(b: Buffer, at: number): { len: number; lbn: number; part: number } {
    return { len: b.readUInt32LE(at) & 0x3fffffff, lbn: b.readUInt32LE(at + 4), part: b.readUInt16LE(at + 8) };
  }

  private partitionByRef(ref: number): Partition {
    const part = this.maps[ref];
    if (!part) throw this.corrupt(`partition reference ${ref}`);
    return part;
  }

  private blockOffset(ref: number, lbn: number): number {
    const part = this.partitionByRef(ref);
    if (lbn >= part.length && part.length > 0) throw new DiscError('truncated', { path: this.vol.path, what: `UDF block ${lbn} of a ${part.length}-block partition` });
    return (part.start + lbn) * SECTOR;
  }

  private readBlock(ref: number, lbn: number): Promise<Buffer> {
    return this.vol.readMeta(this.blockOffset(ref, lbn), SECTOR);
  }

  private async nodeFromIcb(name: string, ref: number, lbn: number, isDirHint: boolean): Promise<FsNode> {
    const fe = await this.readBlock(ref, lbn);
    const id = tagId(fe);
    if ((id !== TAG_FE && id !== TAG_EFE) || !validTag(fe)) throw this.corrupt(`no file entry at block ${lbn}`);
    const ext = id === TAG_EFE;
    const fileType = fe[16 + 11]!;
    const flags = fe.readUInt16LE(16 + 18);
    const size = Number(fe.readBigUInt64LE(56));
    if (!Number.isSafeInteger(size) || size > 1 << 50) throw new DiscError('too-large', { path: this.vol.path, what: `a file of ${size} bytes` });
    const mtime = timestamp(fe, ext ? 92 : 84);
    const lEa = fe.readUInt32LE(ext ? 208 : 168);
    const lAd = fe.readUInt32LE(ext ? 212 : 172);
    const adStart = (ext ? 216 : 176) + lEa;
    if (adStart + lAd > SECTOR) throw this.corrupt('allocation descriptors overrun the file entry');
    const ads = fe.subarray(adStart, adStart + lAd);
    const isDir = fileType === 4 || (isDirHint && fileType !== 5);
    const key = `udf:${ref}:${lbn}`;
    const kind = flags & 7;
    if (kind === 3) return { name, isDir, size: Math.min(size, ads.length), mtime, extents: [], inline: Buffer.from(ads.subarray(0, size)), key };
    const extents = await this.extentsFrom(ads, kind, ref, size);
    return { name, isDir, size, mtime, extents, key };
  }

  private async extentsFrom(ads: Buffer, kind: number, ref: number, size: number): Promise<Extent[]> {
    const out: Extent[] = [];
    let remaining = size;
    let buf = ads;
    for (let hop = 0; hop < MAX_AD_CHAIN && remaining > 0; hop++) {
      const step = kind === 0 ? 8 : kind === 1 ? 16 : 0;
      if (step === 0) throw this.corrupt(`allocation descriptor type ${kind}`);
      let next: Buffer | null = null;
      for (let p = 0; p + step <= buf.length && remaining > 0; p += step) {
        const raw = buf.readUInt32LE(p);
        const len = raw & 0x3fffffff;
        const type = raw >>> 30;
        if (len === 0) break;
        const lbn = buf.readUInt32LE(p + 4);
        const pref = kind === 1 ? buf.readUInt16LE(p + 8) : ref;
        if (type === 3) {
          // Continuation: the rest of the descriptors live in another block.
          next = (await this.readBlock(pref, lbn)).subarray(24, 24 + Math.min(len, SECTOR - 24));
          break;
        }
        const take = Math.min(len, remaining);
        // Type 1/2 = allocated-but-unrecorded / sparse: reads as zeros, which a pressed disc never has.
        if (type === 0) out.push({ offset: this.blockOffset(pref, lbn), length: take });
        remaining -= take;
      }
      if (!next) break;
      buf = next;
    }
    return out;
  }

  async children(dir: FsNode): Promise<FsNode[]> {
    if (dir.size > MAX_DIR_BYTES) throw new DiscError('too-large', { path: this.vol.path, what: `a directory of ${dir.size} bytes` });
    let data: Buffer;
    if (dir.inline) data = dir.inline;
    else {
      const parts: Buffer[] = [];
      for (const x of dir.extents) parts.push(await this.vol.readMeta(x.offset, x.length));
      data = Buffer.concat(parts);
    }
    const out: FsNode[] = [];
    let p = 0;
    while (p + 38 <= data.length) {
      if (tagId(data, p) !== TAG_FID) break;
      const chars = data[p + 18]!;
      const lFi = data[p + 19]!;
      const icb = this.longAd(data, p + 20);
      const lIu = data.readUInt16LE(p + 36);
      const nameAt = p + 38 + lIu;
      const total = 4 * Math.floor((38 + lIu + lFi + 3) / 4);
      if (nameAt + lFi > data.length) throw this.corrupt('a file identifier overruns its directory');
      p += total;
      if (chars & 0x04 || chars & 0x08) continue; // deleted, parent
      const name = cs0(data.subarray(nameAt, nameAt + lFi));
      if (name === null) throw this.corrupt('a file name has an unknown encoding');
      out.push(await this.nodeFromIcb(name, icb.part, icb.lbn, (chars & 0x02) !== 0));
    }
    return out;
  }
}
