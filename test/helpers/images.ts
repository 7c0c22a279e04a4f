import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, openSync, writeSync, closeSync, statSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type Tree = Record<string, string | Buffer>;

/** Writes a tree of files (paths with `/`) under `root`. */
export function writeTree(root: string, files: Tree): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
}

export interface IsoOptions {
  label?: string;
  publisher?: string;
  preparer?: string;
  application?: string;
  joliet?: boolean;
  rockRidge?: boolean;
  /** genisoimage: UDF bridge (ISO + UDF). */
  udf?: boolean;
  /** genisoimage: Mac/PC hybrid with an Apple partition map and HFS. */
  hfs?: boolean;
  /** Fixed dates, so two builds of the same tree differ only where asked. */
  date?: string;
  extra?: string[];
}

/** Builds an ISO with real mastering tools: xorriso by default, genisoimage for UDF/HFS hybrids. */
export function buildIso(srcDir: string, out: string, o: IsoOptions = {}): string {
  const args: string[] = [];
  if (o.label) args.push('-V', o.label);
  if (o.publisher) args.push('-publisher', o.publisher);
  if (o.preparer) args.push('-p', o.preparer);
  if (o.application) args.push('-A', o.application);
  if (o.joliet !== false) args.push('-J');
  if (o.udf || o.hfs) {
    if (o.rockRidge !== false) args.push('-r');
    if (o.udf) args.push('-udf');
    if (o.hfs) args.push('-hfs', '-part', '-hfs-volid', o.label ?? 'MAC');
    args.push('-input-charset', o.hfs ? 'iso8859-1' : 'utf-8');
    args.push(...(o.extra ?? []), '-quiet', '-o', out, srcDir);
    execFileSync('genisoimage', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    return out;
  }
  if (o.rockRidge !== false) args.push('-r');
  if (o.date) args.push('--modification-date=' + o.date, '--set_all_file_dates', o.date);
  args.push(...(o.extra ?? []), '-quiet', '-o', out, srcDir);
  const xargs = o.rockRidge === false ? ['-rockridge', 'off', '-as', 'mkisofs', ...args] : ['-as', 'mkisofs', ...args];
  execFileSync('xorriso', xargs, { stdio: ['ignore', 'ignore', 'pipe'] });
  return out;
}

function bcd(n: number): number {
  return ((Math.floor(n / 10) % 10) << 4) | n % 10;
}

/**
 * Re-encodes a 2048-byte-sector ISO as raw 2352-byte CD sectors (sync, MSF header, mode, data,
 * zeroed EDC/ECC) plus a CUE sheet, as a disc ripper in raw mode writes them.
 */
export function isoToBinCue(iso: string, binOut: string, mode: 1 | 2 = 1, cueName = binOut.replace(/\.bin$/i, '.cue')): { bin: string; cue: string } {
  const data = readFileSync(iso);
  const sectors = Math.ceil(data.length / 2048);
  const out = Buffer.alloc(sectors * 2352);
  for (let i = 0; i < sectors; i++) {
    const s = out.subarray(i * 2352, (i + 1) * 2352);
    s[0] = 0;
    s.fill(0xff, 1, 11);
    s[11] = 0;
    const lba = i + 150;
    s[12] = bcd(Math.floor(lba / 4500));
    s[13] = bcd(Math.floor(lba / 75) % 60);
    s[14] = bcd(lba % 75);
    s[15] = mode;
    const at = mode === 1 ? 16 : 24;
    data.copy(s, at, i * 2048, Math.min(data.length, (i + 1) * 2048));
  }
  writeFileSync(binOut, out);
  const name = binOut.split('/').pop()!;
  writeFileSync(cueName, `FILE "${name}" BINARY\r\n  TRACK 01 MODE${mode}/2352\r\n    INDEX 01 00:00:00\r\n`);
  return { bin: binOut, cue: cueName };
}

/**
 * Wraps an ISO in a Nero v2 disc-at-once image as Nero writes it: a 150-sector pregap, the data
 * track, a DAOX track table and the NER5 footer.
 */
export function isoToNrg(iso: string, out: string): string {
  const data = readFileSync(iso);
  const pregap = 150 * 2048;
  const dao = Buffer.alloc(22 + 42);
  dao.writeUInt32BE(dao.length, 0);
  dao.writeUInt16BE(0, 18); // TOC type: data
  dao[20] = 1; // first track
  dao[21] = 1; // last track
  const t = 22;
  dao.writeUInt16BE(2048, t + 12); // sector size
  dao[t + 14] = 0; // mode: Mode 1 data
  dao.writeBigUInt64BE(0n, t + 18); // index 0 (pregap)
  dao.writeBigUInt64BE(BigInt(pregap), t + 26); // index 1
  dao.writeBigUInt64BE(BigInt(pregap + data.length), t + 34); // end
  const chunk = (id: string, body: Buffer) => {
    const h = Buffer.alloc(8);
    h.write(id, 0, 'latin1');
    h.writeUInt32BE(body.length, 4);
    return Buffer.concat([h, body]);
  };
  const chunks = Buffer.concat([chunk('DAOX', dao), chunk('END!', Buffer.alloc(0))]);
  const footer = Buffer.alloc(12);
  footer.write('NER5', 0, 'latin1');
  footer.writeBigUInt64BE(BigInt(pregap + data.length), 4);
  writeFileSync(out, Buffer.concat([Buffer.alloc(pregap), data, chunks, footer]));
  return out;
}

/** Copies `path` with `length` bytes kept. */
export function truncateCopy(path: string, out: string, length: number): string {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(Math.min(length, statSync(path).size));
  readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  writeFileSync(out, buf);
  return out;
}

/** Overwrites bytes of a copy of `path`. */
export function patchCopy(path: string, out: string, patches: Array<[number, Buffer]>): string {
  const data = Buffer.from(readFileSync(path));
  for (const [at, bytes] of patches) bytes.copy(data, at);
  writeFileSync(out, data);
  return out;
}

export function writeAt(path: string, at: number, bytes: Buffer): void {
  const fd = openSync(path, 'r+');
  writeSync(fd, bytes, 0, bytes.length, at);
  closeSync(fd);
}
