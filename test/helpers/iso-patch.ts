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
