/**
 * A minimal LZMA decoder (after Igor Pavlov's public-domain LzmaSpec), enough to read the first
 * bytes of an LZMA-compressed SWF ("ZWS"): Node has zlib but no LZMA. It stops after `limit`
 * output bytes or when the input runs out, whichever comes first.
 */
const PROB_INIT = 1024;

class OutOfInput extends Error {}

class RangeDecoder {
  private range = 0xffffffff;
  private code = 0;
  private pos: number;
  constructor(private readonly buf: Buffer, start: number) {
    this.pos = start + 1; // first byte is always 0
    for (let i = 0; i < 4; i++) this.code = ((this.code << 8) | this.next()) >>> 0;
  }
  private next(): number {
    if (this.pos >= this.buf.length) throw new OutOfInput();
    return this.buf[this.pos++]!;
  }
  private normalize(): void {
    if (this.range < 0x1000000) {
      this.range = (this.range << 8) >>> 0;
      this.code = ((this.code << 8) | this.next()) >>> 0;
    }
  }
  bit(probs: Uint16Array, i: number): number {
    const p = probs[i]!;
    const bound = (this.range >>> 11) * p;
    let b: number;
    if (this.code < bound) {
      this.range = bound;
      probs[i] = p + ((2048 - p) >>> 5);
      b = 0;
    } else {
      this.range = (this.range - bound) >>> 0;
      this.code = (this.code - bound) >>> 0;
      probs[i] = p - (p >>> 5);
      b = 1;
    }
    this.normalize();
    return b;
  }
  direct(n: number): number {
    let res = 0;
    for (; n > 0; n--) {
      this.range >>>= 1;
      let b = 0;
      if (this.code >= this.range) {
        this.code = (this.code - this.range) >>> 0;
        b = 1;
      }
      res = ((res << 1) | b) >>> 0;
      this.normalize();
    }
    return res;
  }
  tree(probs: Uint16Array, base: number, bits: number): number {
    let m = 1;
    for (let i = 0; i < bits; i++) m = (m << 1) | this.bit(probs, base + m);
    return m - (1 << bits);
  }
  reverseTree(probs: Uint16Array, base: number, bits: number): number {
    let m = 1;
    let sym = 0;
    for (let i = 0; i < bits; i++) {
      const b = this.bit(probs, base + m);
      m = (m << 1) | b;
      sym |= b << i;
    }
    return sym;
  }
}

class LenDecoder {
  private choice = new Uint16Array(2).fill(PROB_INIT);
  private low: Uint16Array;
  private mid: Uint16Array;
  private high = new Uint16Array(256).fill(PROB_INIT);
  constructor(posStates: number) {
    this.low = new Uint16Array(posStates << 3).fill(PROB_INIT);
    this.mid = new Uint16Array(posStates << 3).fill(PROB_INIT);
  }
  decode(rc: RangeDecoder, posState: number): number {
    if (rc.bit(this.choice, 0) === 0) return rc.tree(this.low, posState << 3, 3);
    if (rc.bit(this.choice, 1) === 0) return 8 + rc.tree(this.mid, posState << 3, 3);
    return 16 + rc.tree(this.high, 0, 8);
  }
}

/** Decodes raw LZMA data (5-byte properties, then the range-coded stream). */
export function lzmaDecodePrefix(props: Buffer, data: Buffer, limit: number): Buffer {
  let d = props[0]!;
  if (d >= 9 * 5 * 5) throw new Error('bad LZMA properties');
  const lc = d % 9;
  d = Math.floor(d / 9);
  const lp = d % 5;
  const pb = Math.floor(d / 5);
  const out = Buffer.alloc(limit);
  let n = 0;
  const posStates = 1 << pb;
  const literal = new Uint16Array(0x300 << (lc + lp)).fill(PROB_INIT);
  const isMatch = new Uint16Array(12 << 4).fill(PROB_INIT);
  const isRep = new Uint16Array(12).fill(PROB_INIT);
  const isRepG0 = new Uint16Array(12).fill(PROB_INIT);
  const isRepG1 = new Uint16Array(12).fill(PROB_INIT);
  const isRepG2 = new Uint16Array(12).fill(PROB_INIT);
  const isRep0Long = new Uint16Array(12 << 4).fill(PROB_INIT);
  const posSlot = new Uint16Array(4 << 6).fill(PROB_INIT);
  const posDecoders = new Uint16Array(1 + 114).fill(PROB_INIT);
  const align = new Uint16Array(16).fill(PROB_INIT);
  const lenDec = new LenDecoder(posStates);
  const repLenDec = new LenDecoder(posStates);
  let state = 0;
  let rep0 = 0;
  let rep1 = 0;
  let rep2 = 0;
  let rep3 = 0;
  const byteAt = (dist: number) => (n - dist - 1 >= 0 ? out[n - dist - 1]! : 0);
  try {
    const rc = new RangeDecoder(data, 0);
    while (n < limit) {
      const posState = n & (posStates - 1);
      if (rc.bit(isMatch, (state << 4) + posState) === 0) {
        const prev = n > 0 ? out[n - 1]! : 0;
        const base = 0x300 * (((n & ((1 << lp) - 1)) << lc) + (prev >>> (8 - lc)));
        let sym = 1;
        if (state >= 7) {
          let match = byteAt(rep0);
          do {
            const mb = (match >>> 7) & 1;
            match <<= 1;
            const b = rc.bit(literal, base + ((1 + mb) << 8) + sym);
            sym = (sym << 1) | b;
            if (mb !== b) break;
          } while (sym < 0x100);
        }
        while (sym < 0x100) sym = (sym << 1) | rc.bit(literal, base + sym);
        out[n++] = sym & 0xff;
        state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
        continue;
      }
      let len: number;
      if (rc.bit(isRep, state) !== 0) {
        if (n === 0) throw new Error('LZMA: repeat at start');
        if (rc.bit(isRepG0, state) === 0) {
          if (rc.bit(isRep0Long, (state << 4) + posState) === 0) {
            state = state < 7 ? 9 : 11;
            out[n] = byteAt(rep0);
            n++;
            continue;
          }
        } else {
          let dist: number;
          if (rc.bit(isRepG1, state) === 0) dist = rep1;
          else {
            if (rc.bit(isRepG2, state) === 0) dist = rep2;
            else {
              dist = rep3;
              rep3 = rep2;
            }
            rep2 = rep1;
          }
          rep1 = rep0;
          rep0 = dist;
        }
        len = repLenDec.decode(rc, posState);
        state = state < 7 ? 8 : 11;
      } else {
        rep3 = rep2;
        rep2 = rep1;
        rep1 = rep0;
        len = lenDec.decode(rc, posState);
        state = state < 7 ? 7 : 10;
        const lenState = Math.min(len, 3);
        const slot = rc.tree(posSlot, lenState << 6, 6);
        if (slot < 4) rep0 = slot;
        else {
          const direct = (slot >>> 1) - 1;
          let dist = ((2 | (slot & 1)) << direct) >>> 0;
          if (slot < 14) dist += rc.reverseTree(posDecoders, dist - slot, direct);
          else {
            dist += rc.direct(direct - 4) << 4;
            dist += rc.reverseTree(align, 0, 4);
          }
          rep0 = dist >>> 0;
        }
        if (rep0 === 0xffffffff) break; // end marker
      }
      len += 2;
      if (rep0 >= n) throw new Error('LZMA: distance beyond output');
      for (; len > 0 && n < limit; len--, n++) out[n] = out[n - rep0 - 1]!;
    }
  } catch (e) {
    if (!(e instanceof OutOfInput)) throw e;
  }
  return out.subarray(0, n);
}
