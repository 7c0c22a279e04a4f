import { deflateSync } from 'node:zlib';

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

/** `rgb` holds width × height × 3 bytes, rows top to bottom. */
export function encodePng(width: number, height: number, rgb: Buffer): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0;
    rgb.copy(raw, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
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
