import type { FileView } from './file-view.js';

/** What a Director file is, and which Director wrote it. */
export interface DirectorInfo {
  kind: 'movie' | 'cast' | 'shockwave-movie' | 'shockwave-cast' | 'projector' | 'mac-projector' | 'legacy-movie';
  /** Human version, e.g. "4.0.4", "8.5", "10". */
  version: string | null;
  /** The raw directorVersion number from DRCF/VWCF/Fver. */
  rawVersion: number | null;
  endian: 'big' | 'little' | null;
  /** For projectors: the tag found at EOF−4 (PJ93, 39JP, 59JP…). */
  projectorTag?: string;
}

/** directorVersion → release, after ProjectorRays/ScummVM's FileVer table. */
export function humanDirectorVersion(v: number): string {
  if (v >= 1951) return '12';
  if (v >= 1922) return '11.5';
  if (v >= 1921) return '11';
  if (v >= 1851) return '10';
  if (v >= 1700) return '8.5';
  if (v >= 1410) return '8';
  if (v >= 1224) return '7';
  if (v >= 1218) return '6';
  if (v >= 1201) return '5';
  if (v >= 1117) return '4.0.4';
  if (v >= 1115) return '4';
  if (v >= 1029) return '3.1';
  if (v >= 1028) return '3.0';
  return '2';
}

const PROJECTOR_TAGS: Record<string, string> = {
  PJ93: '4', '39JP': '4', PJ95: '5', '59JP': '5', PJ97: '6', '79JP': '6', PJ00: '7', '00JP': '7', PJ01: '8', '10JP': '8',
};

const MAX_MMAP_ENTRIES = 100_000;

/** Reads the version of a RIFX/XFIR container at `base` through its imap → mmap → DRCF/VWCF. */
async function rifxVersion(f: FileView, base: number, depth = 0): Promise<{ raw: number | null; endian: 'big' | 'little'; codec: string } | null> {
  const h = await f.read(base, 32);
  if (h.length < 12) return null;
  const magic = h.toString('latin1', 0, 4);
  if (magic !== 'RIFX' && magic !== 'XFIR') return null;
  const le = magic === 'XFIR';
  const fourcc = (b: Buffer, at: number) => {
    const s = b.toString('latin1', at, at + 4);
    return le ? s.split('').reverse().join('') : s;
  };
  const u32 = (b: Buffer, at: number) => (le ? b.readUInt32LE(at) : b.readUInt32BE(at));
  const i16 = (b: Buffer, at: number) => (le ? b.readInt16LE(at) : b.readInt16BE(at));
  const codec = fourcc(h, 8);
  const endian = le ? 'little' : 'big';
  if (codec === 'FGDM' || codec === 'FGDC') return { raw: await afterburnerVersion(f, base + 12), endian, codec };
  if (h.length < 28 || fourcc(h, 12) !== 'imap') return { raw: null, endian, codec };
  // Offsets are relative to the container, except inside projectors where they are absolute.
  const mmapOff = u32(h, 24);
  let origin = base;
  let mh = await f.read(base + mmapOff, 32);
  if ((mh.length < 24 || fourcc(mh, 0) !== 'mmap') && base > 0) {
    origin = 0;
    mh = await f.read(mmapOff, 32);
  }
  if (mh.length < 24 || fourcc(mh, 0) !== 'mmap') return { raw: null, endian, codec };
  const headerLen = i16(mh, 8);
  const entryLen = i16(mh, 10);
  const used = Math.min(u32(mh, 16), MAX_MMAP_ENTRIES);
  if (headerLen < 0 || entryLen < 12) return { raw: null, endian, codec };
  const entries = await f.read(origin + mmapOff + 8 + headerLen, used * entryLen);
  let config: number | null = null;
  const embedded: number[] = [];
  for (let p = 0; p + 12 <= entries.length; p += entryLen) {
    const id = fourcc(entries, p);
    if (id === 'DRCF' || (id === 'VWCF' && config === null)) {
      config = u32(entries, p + 8);
      if (id === 'DRCF') break;
    }
    if (id === 'File' && embedded.length < 4) embedded.push(u32(entries, p + 8));
  }
  if (config === null) {
    // A projector's APPL container holds whole movies as 'File' entries: the first one tells the version.
    if (codec === 'APPL' && depth === 0) {
      for (const at of embedded) {
        const inner = await rifxVersion(f, origin + at, depth + 1).catch(() => null);
        if (inner?.raw) return { raw: inner.raw, endian, codec };
      }
    }
    return { raw: null, endian, codec };
  }
  const chunk = await f.read(origin + config, 8 + 40);
  if (chunk.length < 8 + 38) return { raw: null, endian, codec };
  // directorVersion sits at bytes 36–37 of the config data and is always big-endian.
  return { raw: chunk.readUInt16BE(8 + 36), endian, codec };
}

/** Shockwave (Afterburner) files: `Fver` chunk with variable-length integers. */
async function afterburnerVersion(f: FileView, at: number): Promise<number | null> {
  const b = await f.read(at, 32);
  if (b.toString('latin1', 0, 4) !== 'Fver') return null;
  let p = 4;
  const varint = () => {
    let v = 0;
    for (let i = 0; i < 5 && p < b.length; i++) {
      const c = b[p++]!;
      v = v * 128 + (c & 0x7f);
      if (!(c & 0x80)) return v;
    }
    return v;
  };
  varint(); // chunk length
  const version = varint();
  if (version < 0x401) return null;
  varint(); // imap version
  return varint();
}

/** MacBinary wrapper: type/creator at 65, data fork at 128, resource fork after it. */
function macBinary(h: Buffer, size: number): { type: string; creator: string; dataLen: number; rsrcAt: number; rsrcLen: number } | null {
  if (h.length < 128 || h[0] !== 0 || h[1]! < 1 || h[1]! > 63 || h[74] !== 0 || h[82] !== 0) return null;
  const dataLen = h.readUInt32BE(83);
  const rsrcLen = h.readUInt32BE(87);
  const rsrcAt = 128 + Math.ceil(dataLen / 128) * 128;
  if (128 + dataLen > size || rsrcAt + rsrcLen > size + 128) return null;
  return { type: h.toString('latin1', 65, 69), creator: h.toString('latin1', 69, 73), dataLen, rsrcAt, rsrcLen };
}

const MAC_DIRECTOR_CREATORS = new Set(['MMDR', 'MD93', 'MD95', 'MD97', 'MD00', 'MD01', 'MD04']);
const MAC_MOVIE_TYPES = new Set(['VWMD', 'VWPR', 'MV93', 'MV95', 'MV97', 'MV07', 'M!93', 'M!95', 'M!97', 'M!07', 'VWCF', 'MC93', 'MC95']);
const MAC_PROJECTOR_TYPES = new Set(['APPL', 'PJ93', 'PJ95', 'PJ97', 'PJ00', 'PJ01']);

/** Finds a resource's data in a Mac resource fork. */
async function resourceData(f: FileView, forkAt: number, forkLen: number, type: string): Promise<Buffer | null> {
  const hdr = await f.read(forkAt, 16);
  if (hdr.length < 16) return null;
  const dataOff = hdr.readUInt32BE(0);
  const mapOff = hdr.readUInt32BE(4);
  const mapLen = hdr.readUInt32BE(12);
  if (mapOff + mapLen > forkLen || mapLen > 1 << 20) return null;
  const map = await f.read(forkAt + mapOff, mapLen);
  if (map.length < 30) return null;
  const typeList = map.readUInt16BE(24);
  const nTypes = map.readUInt16BE(typeList) + 1;
  for (let i = 0; i < nTypes; i++) {
    const t = typeList + 2 + i * 8;
    if (t + 8 > map.length) break;
    if (map.toString('latin1', t, t + 4) !== type) continue;
    const refList = typeList + map.readUInt16BE(t + 6);
    if (refList + 12 > map.length) return null;
    const off = map.readUIntBE(refList + 5, 3);
    const lenBuf = await f.read(forkAt + dataOff + off, 4);
    if (lenBuf.length < 4) return null;
    return f.read(forkAt + dataOff + off + 4, Math.min(lenBuf.readUInt32BE(0), 4096));
  }
  return null;
}

/**
 * Recognises Director movies, casts, Shockwave files, Windows projectors (any extension) and
 * MacBinary-wrapped Mac movies, with the Director version. Null when the file is none of these.
 */
export async function sniffDirector(f: FileView): Promise<DirectorInfo | null> {
  const h = await f.head(512);
  const magic = h.toString('latin1', 0, 4);
  if (magic === 'RIFX' || magic === 'XFIR') {
    const v = await rifxVersion(f, 0);
    const codec = v?.codec ?? '';
    const castExt = /\.(cst|cxt)$/i.test(f.path);
    const kind = codec === 'MV93' ? (castExt ? 'cast' : 'movie') : codec === 'MC95' ? 'cast' : codec === 'FGDM' ? 'shockwave-movie' : codec === 'FGDC' ? 'shockwave-cast' : codec === 'APPL' ? 'mac-projector' : 'movie';
    return { kind, version: v?.raw ? humanDirectorVersion(v.raw) : null, rawVersion: v?.raw ?? null, endian: v?.endian ?? null };
  }
  if (magic === 'RIFF' && h.toString('latin1', 8, 12) === 'RMMP') {
    return { kind: 'legacy-movie', version: '3', rawVersion: null, endian: 'little' };
  }
  if (magic.startsWith('MZ') && f.size > 16) {
    const tail = await f.tail(4);
    const off = tail.readUInt32LE(0);
    if (off > 64 && off < f.size - 8) {
      const tagBuf = await f.read(off, 12);
      const tag = tagBuf.toString('latin1', 0, 4);
      if (tag in PROJECTOR_TAGS) {
        let version = PROJECTOR_TAGS[tag]!;
        let raw: number | null = null;
        // The embedded movie says exactly which release built it.
        const rifxAt = tagBuf.readUInt32LE(4);
        if (rifxAt > 0 && rifxAt < f.size) {
          const v = await rifxVersion(f, rifxAt).catch(() => null);
          if (v?.raw) {
            raw = v.raw;
            version = humanDirectorVersion(v.raw);
          }
        }
        return { kind: 'projector', version, rawVersion: raw, endian: 'little', projectorTag: tag };
      }
    }
    return null;
  }
  const mb = macBinary(h, f.size);
  if (mb && (MAC_DIRECTOR_CREATORS.has(mb.creator) || MAC_MOVIE_TYPES.has(mb.type))) {
    if (mb.dataLen >= 12) {
      const inner = await rifxVersion(f, 128);
      if (inner) return { kind: 'movie', version: inner.raw ? humanDirectorVersion(inner.raw) : null, rawVersion: inner.raw, endian: inner.endian };
    }
    const vwcf = mb.rsrcLen > 0 ? await resourceData(f, mb.rsrcAt, mb.rsrcLen, 'VWCF') : null;
    const raw = vwcf && vwcf.length >= 38 ? vwcf.readUInt16BE(36) : null;
    const version = raw && raw >= 1028 ? humanDirectorVersion(raw) : mb.type === 'VWMD' || mb.type === 'VWPR' ? (raw && raw >= 1028 ? humanDirectorVersion(raw) : '2') : null;
    return { kind: MAC_PROJECTOR_TYPES.has(mb.type) ? 'mac-projector' : 'legacy-movie', version, rawVersion: raw, endian: 'big' };
  }
  return null;
}
