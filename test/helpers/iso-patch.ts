/** Finds ISO 9660 directory records by their raw name bytes, to damage images on purpose. */
export function findRecords(image: Buffer, name: Buffer): number[] {
  const out: number[] = [];
  let from = 0;
  for (;;) {
    const idx = image.indexOf(name, from);
    if (idx < 0) return out;
    from = idx + 1;
    const rec = idx - 33;
    if (rec < 0) continue;
    if (image[rec + 32] === name.length && image[rec]! >= 33 + name.length && rec % 2 === 0) out.push(rec);
  }
}

export function u32both(value: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(value >>> 0, 0);
  b.writeUInt32BE(value >>> 0, 4);
  return b;
}

/** Seeded PRNG (mulberry32): the same seed gives the same mutations on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Splits a file's directory record into two extents (flag 0x80 on the first), as mastering tools
 * do for files over 4 GiB: the same bytes, described the multi-extent way. Primary tree only.
 */
export function splitIntoTwoExtents(image: Buffer, name: string, firstSectors: number): Buffer {
  const img = Buffer.from(image);
  const rec = findRecords(img, Buffer.from(name, 'latin1'))[0];
  if (rec === undefined) throw new Error(`no record for ${name}`);
  const sectorStart = rec - (rec % 2048);
  const sector = img.subarray(sectorStart, sectorStart + 2048);
  const records: Buffer[] = [];
  for (let p = 0; p < 2048 && sector[p]! > 0; p += sector[p]!) records.push(Buffer.from(sector.subarray(p, p + sector[p]!)));
  const i = records.findIndex((r) => r.toString('latin1', 33, 33 + name.length) === name);
  const orig = records[i]!;
  const lba = orig.readUInt32LE(2);
  const size = orig.readUInt32LE(10);
  const first = Buffer.from(orig);
  first.set(u32both(firstSectors * 2048), 10);
  first[25] = first[25]! | 0x80;
  const second = Buffer.from(orig);
  second.set(u32both(lba + firstSectors), 2);
  second.set(u32both(size - firstSectors * 2048), 10);
  records.splice(i, 1, first, second);
  const out = Buffer.concat(records);
  if (out.length > 2048) throw new Error('directory sector full');
  sector.fill(0);
  out.copy(sector);
  return img;
}
