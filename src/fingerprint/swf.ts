import { inflateSync, constants } from 'node:zlib';
import type { FileView } from './file-view.js';
import { lzmaDecodePrefix } from './lzma.js';

export interface SwfInfo {
  compression: 'none' | 'zlib' | 'lzma';
  version: number;
  /** Uncompressed length declared in the header. */
  length: number;
  /** ActionScript 3 (FileAttributes flag); false for SWF < 9 or when the flag is clear. */
  as3: boolean;
  width: number | null;
  height: number | null;
  frameRate: number | null;
  /** SetBackgroundColor, as #rrggbb, when it comes early in the file. */
  background: string | null;
}

const PREFIX = 2048;

/** Parses a SWF header and its first tags from the first bytes of a SWF (or of the SWF inside a projector). */
export function parseSwf(head: Buffer): SwfInfo | null {
  if (head.length < 8) return null;
  const sig = head.toString('latin1', 0, 3);
  if (sig !== 'FWS' && sig !== 'CWS' && sig !== 'ZWS') return null;
  const version = head[3]!;
  if (version < 1 || version > 60) return null;
  const length = head.readUInt32LE(4);
  let body: Buffer;
  try {
    if (sig === 'FWS') body = head.subarray(8);
    else if (sig === 'CWS') body = inflateSync(head.subarray(8), { finishFlush: constants.Z_SYNC_FLUSH });
    else body = head.length >= 17 ? lzmaDecodePrefix(head.subarray(12, 17), head.subarray(17), PREFIX) : Buffer.alloc(0);
  } catch {
    body = Buffer.alloc(0);
  }
  const info: SwfInfo = { compression: sig === 'FWS' ? 'none' : sig === 'CWS' ? 'zlib' : 'lzma', version, length, as3: false, width: null, height: null, frameRate: null, background: null };
  if (body.length < 2) return info;
  const nbits = body[0]! >>> 3;
  const rectBytes = Math.ceil((5 + 4 * nbits) / 8);
  const bits = (start: number, count: number) => {
    let v = 0;
    for (let i = 0; i < count; i++) {
      const bit = start + i;
      v = v * 2 + ((body[bit >>> 3]! >>> (7 - (bit & 7))) & 1);
    }
    return v;
  };
  if (body.length >= rectBytes + 4) {
    const signed = (v: number) => (nbits > 0 && v >= 2 ** (nbits - 1) ? v - 2 ** nbits : v);
    const xmin = signed(bits(5, nbits));
    const xmax = signed(bits(5 + nbits, nbits));
    const ymin = signed(bits(5 + 2 * nbits, nbits));
    const ymax = signed(bits(5 + 3 * nbits, nbits));
    const w = Math.round((xmax - xmin) / 20);
    const h = Math.round((ymax - ymin) / 20);
    info.width = nbits > 0 && w > 0 ? w : null;
    info.height = nbits > 0 && h > 0 ? h : null;
    info.frameRate = body.readUInt16LE(rectBytes) / 256;
  }
  let p = rectBytes + 4;
  for (let i = 0; i < 8 && p + 2 <= body.length; i++) {
    const codeLen = body.readUInt16LE(p);
    const code = codeLen >>> 6;
    let len = codeLen & 0x3f;
    p += 2;
    if (len === 0x3f) {
      if (p + 4 > body.length) break;
      len = body.readUInt32LE(p);
      p += 4;
    }
    if (code === 69 && p < body.length) info.as3 = version >= 9 && (body[p]! & 0x08) !== 0;
    if ((code === 72 || code === 82) && version >= 9) info.as3 = true;
    if (code === 9 && p + 3 <= body.length) info.background = '#' + body.subarray(p, p + 3).toString('hex');
    if (code === 0) break;
    p += len;
  }
  return info;
}

export async function sniffSwf(f: FileView): Promise<SwfInfo | null> {
  return parseSwf(await f.head(PREFIX));
}

/** A Flash projector: the player EXE with a SWF appended and `56 34 12 FA` + length at the end. */
export async function sniffFlashProjector(f: FileView): Promise<{ swfOffset: number; swfLength: number; swf: SwfInfo | null } | null> {
  if (f.size < 16) return null;
  const tail = await f.tail(8);
  if (tail.readUInt32LE(0) !== 0xfa123456) return null;
  const swfLength = tail.readUInt32LE(4);
  const swfOffset = f.size - 8 - swfLength;
  if (swfLength < 8 || swfOffset < 0) return null;
  return { swfOffset, swfLength, swf: parseSwf(await f.read(swfOffset, PREFIX)) };
}
