import { deflateSync, inflateSync } from 'node:zlib';

/** Minimal PNG writer for 8-bit RGB images: enough for screenshots, no dependency. */
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 as PNG uses it; `prev` continues a running CRC. */
export function crc32(buf: Uint8Array, prev = 0): number {
  let c = (prev ^ 0xffffffff) >>> 0;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}

/** `pixels` holds width × height × 3 (RGB) or × 4 (RGBA) bytes, rows top to bottom. */
export function encodePng(width: number, height: number, pixels: Buffer, channels: 3 | 4 = 3): Buffer {
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0;
    pixels.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 4 ? 6 : 2; // colour type: RGBA or RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 6 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Converts an X Window Dump (TrueColor ZPixmap, as `xwd -root` writes) to RGB. */
export function xwdToRgb(xwd: Buffer): { width: number; height: number; rgb: Buffer } {
  if (xwd.length < 100) throw new Error('xwd: short header');
  const be = (i: number) => xwd.readUInt32BE(i * 4);
  const headerSize = be(0);
  const format = be(2);
  const width = be(4);
  const height = be(5);
  const byteOrder = be(7);
  const bpp = be(11);
  const bytesPerLine = be(12);
  const masks = [be(14), be(15), be(16)];
  const ncolors = be(19);
  if (format !== 2 || (bpp !== 32 && bpp !== 24)) throw new Error(`xwd: unsupported format ${format}/${bpp}bpp`);
  const data = headerSize + ncolors * 12;
  const shifts = masks.map((m) => (m ? Math.log2(m & -m) : 0));
  const rgb = Buffer.alloc(width * height * 3);
  const step = bpp / 8;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = data + y * bytesPerLine + x * step;
      if (at + step > xwd.length) break;
      const p = step === 4 ? (byteOrder === 0 ? xwd.readUInt32LE(at) : xwd.readUInt32BE(at)) : byteOrder === 0 ? xwd.readUIntLE(at, 3) : xwd.readUIntBE(at, 3);
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) rgb[o + c] = ((p & masks[c]!) >>> shifts[c]!) & 0xff;
    }
  }
  return { width, height, rgb };
}

/** Reads back a PNG this module wrote (8-bit RGB, filter 0): for thumbnails of screenshots. */
export function decodeOwnPng(png: Buffer): { width: number; height: number; rgb: Buffer } {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  if (png[24] !== 8 || png[25] !== 2) throw new Error('not a discrun screenshot');
  const idat: Buffer[] = [];
  for (let p = 8; p + 8 <= png.length; ) {
    const len = png.readUInt32BE(p);
    if (png.toString('latin1', p + 4, p + 8) === 'IDAT') idat.push(png.subarray(p + 8, p + 8 + len));
    p += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    if (raw[y * (width * 3 + 1)] !== 0) throw new Error('unexpected PNG filter');
    raw.copy(rgb, y * width * 3, y * (width * 3 + 1) + 1, (y + 1) * (width * 3 + 1));
  }
  return { width, height, rgb };
}

/** A smaller copy (box-averaged), for report thumbnails. */
export function thumbnail(img: { width: number; height: number; rgb: Buffer }, maxWidth: number): Buffer {
  const scale = Math.max(1, Math.ceil(img.width / maxWidth));
  const w = Math.floor(img.width / scale);
  const h = Math.floor(img.height / scale);
  const out = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) sum += img.rgb[((y * scale + dy) * img.width + x * scale + dx) * 3 + c]!;
        out[(y * w + x) * 3 + c] = Math.round(sum / (scale * scale));
      }
    }
  }
  return encodePng(w, h, out);
}
