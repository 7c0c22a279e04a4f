import { DiscError } from '../errors.js';
import type { ByteSource } from './byte-source.js';

export const SECTOR = 2048;

/** Where 2048-byte user-data sectors sit inside an image: plain ISO, or raw CD sectors. */
export interface SectorLayout {
  /** Byte offset of the track's first sector in the file. */
  readonly base: number;
  /** 2048 (cooked), 2336 (Mode 2 without sync/header) or 2352 (raw). */
  readonly sectorSize: number;
  /** Offset of user data inside each physical sector: 0, 8 (2336), 16 (Mode 1) or 24 (Mode 2 Form 1). */
  readonly dataOffset: number;
  /** Number of sectors in the track, when the container says so. */
  readonly sectors?: number;
}

export const COOKED: SectorLayout = { base: 0, sectorSize: SECTOR, dataOffset: 0 };

/** A logical volume of 2048-byte sectors over any byte source. */
const META_BLOCK = 32 * SECTOR;
const META_BLOCKS_KEPT = 256;

export class LogicalVolume {
  readonly sectorCount: number;
  /** Read-ahead cache for metadata (descriptors, directories), in 64 KiB blocks. */
  private readonly meta = new Map<number, Buffer>();

  constructor(
    readonly src: ByteSource,
    readonly layout: SectorLayout = COOKED,
  ) {
    const fit = Math.floor(Math.max(0, src.size - layout.base) / layout.sectorSize);
    // A trailing partial raw sector still carries whole user data when its data part is present.
    const tail = (src.size - layout.base) % layout.sectorSize >= layout.dataOffset + SECTOR ? 1 : 0;
    this.sectorCount = Math.min(layout.sectors ?? Infinity, fit + tail);
  }

  get sizeBytes(): number {
    return this.sectorCount * SECTOR;
  }

  get path(): string {
    return this.src.path;
  }

  /** Metadata sectors, through the read-ahead cache: directories of a disc are usually contiguous. */
  async readSectors(lba: number, count: number): Promise<Buffer> {
    return this.readMeta(lba * SECTOR, count * SECTOR);
  }

  async readMeta(offset: number, length: number): Promise<Buffer> {
    if (length === 0) return Buffer.alloc(0);
    if (offset < 0 || length < 0 || offset + length > this.sizeBytes) return this.readBytes(offset, length);
    const first = Math.floor(offset / META_BLOCK);
    const last = Math.floor((offset + length - 1) / META_BLOCK);
    if (last - first > 16) return this.readBytes(offset, length);
    const parts: Buffer[] = [];
    for (let b = first; b <= last; b++) {
      let block = this.meta.get(b);
      if (!block) {
        const start = b * META_BLOCK;
        block = await this.readBytes(start, Math.min(META_BLOCK, this.sizeBytes - start));
        if (this.meta.size >= META_BLOCKS_KEPT) this.meta.delete(this.meta.keys().next().value!);
        this.meta.set(b, block);
      }
      parts.push(block);
    }
    const joined = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    const skip = offset - first * META_BLOCK;
    return joined.subarray(skip, skip + length);
  }

  /** Reads logical bytes; only the physical sectors that hold them are touched. */
  async readBytes(offset: number, length: number): Promise<Buffer> {
    if (length === 0) return Buffer.alloc(0);
    if (offset < 0 || length < 0 || offset + length > this.sizeBytes) {
      throw new DiscError('truncated', {
        path: this.src.path,
        what: `${length} bytes at logical offset ${offset} (volume holds ${this.sizeBytes})`,
      });
    }
    const { base, sectorSize, dataOffset } = this.layout;
    if (sectorSize === SECTOR && dataOffset === 0) return this.src.read(base + offset, length);
    const first = Math.floor(offset / SECTOR);
    const last = Math.floor((offset + length - 1) / SECTOR);
    const physStart = base + first * sectorSize + dataOffset;
    const physLen = (last - first) * sectorSize + SECTOR;
    const raw = await this.src.read(physStart, physLen);
    const out = Buffer.allocUnsafe((last - first + 1) * SECTOR);
    for (let i = 0; i <= last - first; i++) raw.copy(out, i * SECTOR, i * sectorSize, i * sectorSize + SECTOR);
    const skip = offset - first * SECTOR;
    return out.subarray(skip, skip + length);
  }
}

const SYNC = Buffer.from([0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00]);

/** Is there a filesystem signature we can read at sector 16 (ISO/UDF) or in the first blocks (HFS/APM)? */
export async function hasKnownSignature(vol: LogicalVolume): Promise<boolean> {
  if (vol.sectorCount > 16) {
    const s = await vol.readSectors(16, 1);
    const id = s.toString('latin1', 1, 6);
    if (id === 'CD001' || id === 'BEA01' || id === 'NSR02' || id === 'NSR03' || id === 'CDW02') return true;
    if (s.toString('latin1', 9, 14) === 'CDROM') return true; // High Sierra
  }
  if (vol.sectorCount >= 1) {
    const head = await vol.readBytes(0, Math.min(vol.sizeBytes, SECTOR));
    if (head.length >= 2 && head.toString('latin1', 0, 2) === 'ER') return true;
    const hfs = head.length >= 1026 ? head.toString('latin1', 1024, 1026) : '';
    if (hfs === 'BD' || hfs === 'H+' || hfs === 'HX') return true;
  }
  return false;
}

/**
 * Finds how user data is laid out in a track starting at `base`: cooked 2048-byte sectors or raw
 * 2352/2336-byte CD sectors. Returns null when no known filesystem appears under any layout.
 */
export async function detectLayout(src: ByteSource, base = 0, sectorHint?: number, sectors?: number): Promise<SectorLayout | null> {
  const candidates: SectorLayout[] = [];
  const push = (sectorSize: number, dataOffset: number) =>
    candidates.push(sectors === undefined ? { base, sectorSize, dataOffset } : { base, sectorSize, dataOffset, sectors });
  if (src.size - base >= 16) {
    const head = await src.read(base, 16);
    if (head.subarray(0, 12).equals(SYNC)) {
      // Raw sector: byte 15 is the mode; Mode 2 Form 1 carries an 8-byte subheader before the data.
      push(2352, head[15] === 2 ? 24 : 16);
    }
  }
  if (sectorHint === undefined || sectorHint === 2048) push(2048, 0);
  if (sectorHint === undefined || sectorHint === 2352) {
    push(2352, 16);
    push(2352, 24);
  }
  if (sectorHint === undefined || sectorHint === 2336) push(2336, 8);
  for (const layout of candidates) {
    const vol = new LogicalVolume(src, layout);
    try {
      if (await hasKnownSignature(vol)) return layout;
    } catch {
      // a layout that reads past the end simply does not fit
    }
  }
  return null;
}
