import type { Disc } from '../disc/index.js';
import { encodePng } from '../supervise/png.js';
import { peLayout, peResourcesOfType } from './exe.js';
import { discFile } from './file-view.js';
import type { Inspection } from './types.js';

const RT_ICON = 3;
const RT_GROUP_ICON = 14;
const MAX_ICON_FILE = 256 << 10;

interface IconEntry {
  width: number;
  height: number;
  bpp: number;
  size: number;
  /** Offset in an .ico file, or the RT_ICON id in an executable. */
  ref: number;
}

/** Prefers 32×32 (what a file manager shows), then the largest below 64, then the deepest colours. */
function pickEntry(entries: IconEntry[]): IconEntry | undefined {
  const score = (e: IconEntry) => (e.width === 32 ? 10_000 : e.width <= 64 ? e.width * 10 : 0) + e.bpp;
  return [...entries].sort((a, b) => score(b) - score(a))[0];
}

function entries(dir: Buffer, groupFormat: boolean): IconEntry[] {
  if (dir.length < 6 || dir.readUInt16LE(0) !== 0 || dir.readUInt16LE(2) !== 1) return [];
  const count = Math.min(dir.readUInt16LE(4), 64);
  const size = groupFormat ? 14 : 16;
  const out: IconEntry[] = [];
  for (let i = 0; i < count && 6 + (i + 1) * size <= dir.length; i++) {
    const p = 6 + i * size;
    out.push({
      width: dir[p] || 256,
      height: dir[p + 1] || 256,
      bpp: dir.readUInt16LE(p + 6),
      size: dir.readUInt32LE(p + 8),
      ref: groupFormat ? dir.readUInt16LE(p + 12) : dir.readUInt32LE(p + 12),
    });
  }
  return out;
}

/** One icon image (a DIB with its AND mask, or an embedded PNG) as a PNG. */
export function iconImageToPng(data: Buffer): Buffer | null {
  if (data.length >= 8 && data.readUInt32BE(0) === 0x89504e47) return data;
  if (data.length < 40) return null;
  const hdr = data.readUInt32LE(0);
  const width = data.readInt32LE(4);
  const height = Math.floor(data.readInt32LE(8) / 2);
  const bpp = data.readUInt16LE(14);
  if (hdr < 40 || width <= 0 || width > 256 || height <= 0 || height > 256 || ![1, 4, 8, 24, 32].includes(bpp)) return null;
  const colors = bpp <= 8 ? data.readUInt32LE(32) || 1 << bpp : 0;
  const palette = hdr;
  const xorAt = palette + colors * 4;
  const xorStride = Math.ceil((width * bpp) / 32) * 4;
  const andAt = xorAt + xorStride * height;
  const andStride = Math.ceil(width / 32) * 4;
  if (andAt > data.length) return null;
  const rgba = Buffer.alloc(width * height * 4);
  let anyAlpha = false;
  for (let y = 0; y < height; y++) {
    const row = xorAt + (height - 1 - y) * xorStride; // bottom-up
    for (let x = 0; x < width; x++) {
      let r = 0, g = 0, b = 0, a = 255;
      if (bpp === 32) {
        b = data[row + x * 4]!; g = data[row + x * 4 + 1]!; r = data[row + x * 4 + 2]!; a = data[row + x * 4 + 3]!;
        if (a) anyAlpha = true;
      } else if (bpp === 24) {
        b = data[row + x * 3]!; g = data[row + x * 3 + 1]!; r = data[row + x * 3 + 2]!;
      } else {
        const bit = x * bpp;
        const idx = (data[row + (bit >> 3)]! >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        const pal = palette + idx * 4;
        b = data[pal] ?? 0; g = data[pal + 1] ?? 0; r = data[pal + 2] ?? 0;
      }
      const o = (y * width + x) * 4;
      rgba[o] = r; rgba[o + 1] = g; rgba[o + 2] = b; rgba[o + 3] = a;
    }
  }
  // Without real alpha, the 1-bit AND mask says which pixels are transparent.
  if (bpp !== 32 || !anyAlpha) {
    for (let y = 0; y < height; y++) {
      const row = andAt + (height - 1 - y) * andStride;
      for (let x = 0; x < width; x++) {
        const masked = row + (x >> 3) < data.length && (data[row + (x >> 3)]! >> (7 - (x & 7))) & 1;
        rgba[(y * width + x) * 4 + 3] = masked ? 0 : 255;
      }
    }
  }
  return encodePng(width, height, rgba, 4);
}

/** The disc's icon (AUTORUN.INF's icon=, else its program's first icon) as a PNG, or null. */
export async function discIcon(disc: Disc, insp: Inspection): Promise<Buffer | null> {
  const autorunIndex = insp.media.icon ? insp.media.iconIndex : 0;
  const path = insp.media.icon ?? (insp.entry && /\.exe$/i.test(insp.entry.path) ? insp.entry.path : null);
  if (!path) return null;
  const e = await disc.stat(path);
  if (!e || e.isDir) return null;
  try {
    if (/\.ico$/i.test(path)) {
      const buf = await disc.read(path, 0, Math.min(e.size, MAX_ICON_FILE));
      const pick = pickEntry(entries(buf, false));
      return pick ? iconImageToPng(buf.subarray(pick.ref, pick.ref + pick.size)) : null;
    }
    const f = discFile(disc, e);
    const layout = await peLayout(f);
    if (!layout) return null;
    const groups = await peResourcesOfType(f, layout.sections, layout.rsrcRva, RT_GROUP_ICON, 64 << 10);
    // icon=file.exe,N: N ≥ 0 is the Nth group, a negative N the group whose id is −N.
    const group = autorunIndex < 0 ? groups.find((g) => g.id === -autorunIndex) : groups[autorunIndex] ?? groups[0];
    if (!group) return null;
    const pick = pickEntry(entries(await group.data(), true));
    if (!pick) return null;
    const icon = (await peResourcesOfType(f, layout.sections, layout.rsrcRva, RT_ICON, MAX_ICON_FILE)).find((r) => r.id === pick.ref);
    return icon ? iconImageToPng(await icon.data()) : null;
  } catch {
    return null;
  }
}
