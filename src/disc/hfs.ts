import type { LogicalVolume } from './volume.js';

export interface HfsInfo {
  kind: 'hfs' | 'hfsplus';
  /** An Apple partition map was found (Mac or hybrid disc). */
  apm: boolean;
  name: string | null;
  created: Date | null;
}

// MacRoman 0x80–0xFF.
const MAC_ROMAN =
  'ÄÅÇÉÑÖÜáàâäãåçéèêëíìîïñóòôöõúùûü†°¢£§•¶ß®©™´¨≠ÆØ∞±≤≥¥µ∂∑∏π∫ªºΩæø¿¡¬√ƒ≈∆«»… ÀÃÕŒœ–—“”‘’÷◊ÿŸ⁄€‹›ﬁﬂ‡·‚„‰ÂÊÁËÈÍÎÏÌÓÔÒÚÛÙıˆ˜¯˘˙˚¸˝˛ˇ';

export function macRoman(b: Buffer): string {
  let s = '';
  for (const c of b) s += c < 0x80 ? String.fromCharCode(c) : MAC_ROMAN[c - 0x80]!;
  return s;
}

const MAC_EPOCH = Date.UTC(1904, 0, 1);

function macDate(secs: number): Date | null {
  return secs === 0 ? null : new Date(MAC_EPOCH + secs * 1000);
}

const MAX_PARTITIONS = 64;

/** Finds an Apple partition map and the HFS/HFS+ volume header it points to, or one at byte 1024. */
export async function detectHfs(vol: LogicalVolume): Promise<HfsInfo | null> {
  if (vol.sizeBytes < 2048) return null;
  const head = await vol.readBytes(0, 2048);
  let apm = false;
  const starts: number[] = [];
  if (head.toString('latin1', 0, 2) === 'ER') {
    const first = head.subarray(512, 1024);
    if (first.toString('latin1', 0, 2) === 'PM') {
      apm = true;
      const count = Math.min(first.readUInt32BE(4), MAX_PARTITIONS);
      for (let i = 1; i <= count; i++) {
        const off = i * 512;
        if (off + 512 > vol.sizeBytes) break;
        const pm = await vol.readBytes(off, 512);
        if (pm.toString('latin1', 0, 2) !== 'PM') break;
        const type = pm.toString('latin1', 48, 80).replace(/\0.*$/s, '');
        if (type === 'Apple_HFS' || type === 'Apple_HFSX') starts.push(pm.readUInt32BE(8) * 512);
      }
    }
  }
  starts.push(0);
  for (const start of starts) {
    if (start + 1024 + 162 > vol.sizeBytes) continue;
    const mdb = await vol.readBytes(start + 1024, 162);
    const sig = mdb.toString('latin1', 0, 2);
    if (sig === 'BD') {
      const len = Math.min(mdb[36]!, 27);
      return { kind: 'hfs', apm, name: macRoman(mdb.subarray(37, 37 + len)) || null, created: macDate(mdb.readUInt32BE(2)) };
    }
    if (sig === 'H+' || sig === 'HX') {
      // The HFS+ volume name lives in the catalog B-tree; only the dates are in the header.
      return { kind: 'hfsplus', apm, name: null, created: macDate(mdb.readUInt32BE(16)) };
    }
  }
  return apm ? { kind: 'hfs', apm, name: null, created: null } : null;
}
