/**
 * VS_VERSIONINFO trees: PE resources use UTF-16 keys and values with a wType field; NE (Win16)
 * resources use ANSI strings and no wType. Both nest StringFileInfo → string table → strings.
 */
export type VersionStrings = Record<string, string>;

interface VNode {
  key: string;
  valueAt: number;
  valueBytes: number;
  childrenAt: number;
  end: number;
}

const MAX_STRINGS = 256;
const align = (p: number) => (p + 3) & ~3;

function readNode(buf: Buffer, at: number, limit: number, wide: boolean): VNode | null {
  if (at + 6 > limit) return null;
  const len = buf.readUInt16LE(at);
  if (len < 6) return null;
  const end = Math.min(at + len, limit);
  const valueLen = buf.readUInt16LE(at + 2);
  const isText = wide ? buf.readUInt16LE(at + 4) === 1 : true;
  let p = at + (wide ? 6 : 4);
  let key = '';
  if (wide) {
    for (; p + 1 < end; ) {
      const c = buf.readUInt16LE(p);
      p += 2;
      if (c === 0) break;
      key += String.fromCharCode(c);
    }
  } else {
    for (; p < end; ) {
      const c = buf[p++]!;
      if (c === 0) break;
      key += String.fromCharCode(c);
    }
  }
  const valueAt = align(p);
  const valueBytes = wide && isText ? valueLen * 2 : valueLen;
  return { key, valueAt, valueBytes, childrenAt: align(valueAt + valueBytes), end };
}

function* children(buf: Buffer, parent: VNode, wide: boolean): Generator<VNode> {
  let p = parent.childrenAt;
  while (p + 6 <= parent.end) {
    const n = readNode(buf, p, parent.end, wide);
    if (!n) return;
    yield n;
    const next = align(n.end);
    if (next <= p) return;
    p = next;
  }
}

export function parseVersionInfo(buf: Buffer, wide: boolean): VersionStrings | null {
  const root = readNode(buf, 0, buf.length, wide);
  if (!root || root.key !== 'VS_VERSION_INFO') return null;
  const out: VersionStrings = {};
  let count = 0;
  for (const block of children(buf, root, wide)) {
    if (block.key !== 'StringFileInfo') continue;
    // StringFileInfo has no value: its tables start right after the key.
    const sfi = { ...block, childrenAt: block.valueAt };
    for (const table of children(buf, sfi, wide)) {
      const t = { ...table, childrenAt: table.valueAt };
      for (const s of children(buf, t, wide)) {
        if (++count > MAX_STRINGS) return out;
        const raw = buf.subarray(s.valueAt, Math.min(s.valueAt + s.valueBytes, s.end));
        const value = (wide ? raw.toString('utf16le') : decodeAnsi(raw)).replace(/\0[\s\S]*$/, '').trim();
        if (s.key && value && !(s.key in out)) out[s.key] = value;
      }
    }
  }
  return Object.keys(out).length ? out : null;
}

/** Version strings of the era are Windows-1252 (Western Europe) in narrow form. */
const CP1252 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

export function decodeAnsi(b: Buffer): string {
  let s = '';
  for (const c of b) s += c >= 0x80 && c < 0xa0 ? CP1252[c - 0x80]! : String.fromCharCode(c);
  return s;
}
