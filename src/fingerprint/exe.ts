import type { FileView } from './file-view.js';
import { decodeAnsi, parseVersionInfo, type VersionStrings } from './version-info.js';

export type ExeFormat = 'pe32' | 'pe32+' | 'ne' | 'le' | 'lx' | 'mz' | 'com';

export interface ExeInfo {
  format: ExeFormat;
  machine: 'i386' | 'amd64' | 'other' | null;
  /** GUI subsystem (PE) or a Windows application (NE); null when unknown. */
  gui: boolean | null;
  isDll: boolean;
  /** Link time, when the linker wrote a real one (Borland's fixed stamp is dropped). */
  timestamp: Date | null;
  /** Imported module names, upper case, without extension for NE. */
  imports: string[];
  version: VersionStrings | null;
  /** NE: first non-resident name (the module description). */
  description: string | null;
  sections: string[];
  /** Bytes appended after the last section (where Clickteam, Inno, Authorware put their data). */
  overlay: { offset: number; head: Buffer } | null;
  /** NE target OS. */
  targetOs: 'windows' | 'os2' | 'dos4' | 'win386' | 'unknown' | null;
  /** Name of a DOS extender recognised in the stub (DOS/4GW, PMODE/W…). */
  dosExtender: string | null;
}

const BORLAND_STAMP = 0x2a425e19;
const RT_VERSION = 16;
const MAX_RSRC_DIR_ENTRIES = 512;
const MAX_VERSION_BYTES = 64 << 10;
const MAX_IMPORTS = 64;

/** Sniffs an MZ/NE/PE/LE executable from its headers only. Null when the file is not one. */
export async function sniffExe(f: FileView, opts: { isCom?: boolean } = {}): Promise<ExeInfo | null> {
  const head = await f.head(4096);
  if (head.length < 2) return null;
  const base: ExeInfo = {
    format: 'mz', machine: null, gui: null, isDll: false, timestamp: null, imports: [], version: null,
    description: null, sections: [], overlay: null, targetOs: null, dosExtender: null,
  };
  const magic = head.toString('latin1', 0, 2);
  if (magic !== 'MZ' && magic !== 'ZM') {
    return opts.isCom && f.size <= 65280 ? { ...base, format: 'com' } : null;
  }
  base.dosExtender = dosExtender(head);
  if (head.length < 0x40) return base;
  // A relocation table before 0x40 means no new-style header: a plain DOS program.
  const lfarlc = head.readUInt16LE(0x18);
  const lfanew = head.readUInt32LE(0x3c);
  if (lfarlc < 0x40 && lfarlc !== 0) return base;
  if (lfanew < 0x40 || lfanew + 64 > f.size) return base;
  const nh = lfanew + 256 <= head.length ? head.subarray(lfanew) : await f.read(lfanew, 512);
  const sig = nh.toString('latin1', 0, 2);
  if (sig === 'PE' && nh[2] === 0 && nh[3] === 0) return sniffPe(f, lfanew, nh, base);
  if (sig === 'NE') return sniffNe(f, lfanew, nh, base);
  if (sig === 'LE' || sig === 'LX') return { ...base, format: sig === 'LE' ? 'le' : 'lx', dosExtender: base.dosExtender ?? (sig === 'LE' ? 'LE (DOS/4GW-style)' : 'LX') };
  return base;
}

function dosExtender(head: Buffer): string | null {
  const s = head.toString('latin1');
  if (/DOS\/4G/.test(s)) return 'DOS/4GW';
  if (/PMODE\/W/.test(s)) return 'PMODE/W';
  if (/CauseWay/.test(s)) return 'CauseWay';
  if (/DOS\/32A/.test(s)) return 'DOS/32A';
  if (/Phar Lap|PharLap/.test(s)) return 'Phar Lap';
  return null;
}

export interface Section {
  name: string;
  va: number;
  vsize: number;
  raw: number;
  rawSize: number;
}

function rvaToOffset(sections: Section[], rva: number): number | null {
  for (const s of sections) {
    const span = Math.max(s.vsize, s.rawSize);
    if (rva >= s.va && rva < s.va + span) {
      const off = s.raw + (rva - s.va);
      return off < s.raw + s.rawSize ? off : null;
    }
  }
  return null;
}

async function sniffPe(f: FileView, at: number, nh: Buffer, base: ExeInfo): Promise<ExeInfo> {
  const machineCode = nh.readUInt16LE(4);
  const nSections = Math.min(nh.readUInt16LE(6), 96);
  const stamp = nh.readUInt32LE(8);
  const optSize = nh.readUInt16LE(20);
  const chars = nh.readUInt16LE(22);
  const opt = 24;
  const magic = nh.length >= opt + 2 ? nh.readUInt16LE(opt) : 0;
  const plus = magic === 0x20b;
  const info: ExeInfo = {
    ...base,
    format: plus ? 'pe32+' : 'pe32',
    machine: machineCode === 0x14c ? 'i386' : machineCode === 0x8664 ? 'amd64' : 'other',
    isDll: (chars & 0x2000) !== 0,
    timestamp: stamp !== 0 && stamp !== BORLAND_STAMP ? new Date(stamp * 1000) : null,
  };
  const tableAt = at + opt + optSize;
  const needed = tableAt - at + nSections * 40;
  const hdr = needed <= nh.length ? nh : await f.read(at, needed);
  if (hdr.length >= opt + 70) {
    const subsystem = hdr.readUInt16LE(opt + 68);
    info.gui = subsystem === 2 ? true : subsystem === 3 ? false : null;
  }
  const sections: Section[] = [];
  for (let i = 0; i < nSections; i++) {
    const s = tableAt - at + i * 40;
    if (s + 40 > hdr.length) break;
    sections.push({
      name: hdr.toString('latin1', s, s + 8).replace(/\0.*$/s, ''),
      vsize: hdr.readUInt32LE(s + 8),
      va: hdr.readUInt32LE(s + 12),
      rawSize: hdr.readUInt32LE(s + 16),
      raw: hdr.readUInt32LE(s + 20),
    });
  }
  info.sections = sections.map((s) => s.name);
  const dd = opt + (plus ? 112 : 96);
  const dir = (i: number) => (hdr.length >= dd + i * 8 + 8 ? { rva: hdr.readUInt32LE(dd + i * 8), size: hdr.readUInt32LE(dd + i * 8 + 4) } : null);
  const imp = dir(1);
  const rsrc = dir(2);
  if (imp && imp.rva) info.imports = await peImports(f, sections, imp.rva, plus);
  if (rsrc && rsrc.rva) info.version = await peVersion(f, sections, rsrc.rva);
  const end = sections.reduce((m, s) => Math.max(m, s.rawSize ? s.raw + s.rawSize : 0), 0);
  if (end > 0 && f.size > end + 8) info.overlay = { offset: end, head: await f.read(end, 32) };
  return info;
}

async function peImports(f: FileView, sections: Section[], rva: number, _plus: boolean): Promise<string[]> {
  const off = rvaToOffset(sections, rva);
  if (off === null) return [];
  const table = await f.read(off, 20 * MAX_IMPORTS);
  const names: string[] = [];
  for (let p = 0; p + 20 <= table.length && names.length < MAX_IMPORTS; p += 20) {
    const nameRva = table.readUInt32LE(p + 12);
    if (nameRva === 0) break;
    const nOff = rvaToOffset(sections, nameRva);
    if (nOff === null) continue;
    const raw = await f.read(nOff, 64);
    const name = raw.toString('latin1').replace(/\0.*$/s, '');
    if (/^[\w.$@~-]{1,63}$/.test(name)) names.push(name.toUpperCase());
  }
  return names;
}

export interface PeResource {
  id: number | null;
  size: number;
  data(): Promise<Buffer>;
}

/**
 * Resources of one type (RT_VERSION, RT_ICON, RT_GROUP_ICON…): each name or id with its first
 * language, read only when asked.
 */
export async function peResourcesOfType(f: FileView, sections: Section[], rsrcRva: number, type: number, maxBytes = 1 << 20): Promise<PeResource[]> {
  const rsrcOff = rvaToOffset(sections, rsrcRva);
  if (rsrcOff === null) return [];
  const readDir = async (relOff: number) => {
    const h = await f.read(rsrcOff + relOff, 16);
    if (h.length < 16) return [];
    const n = Math.min(h.readUInt16LE(12) + h.readUInt16LE(14), MAX_RSRC_DIR_ENTRIES);
    const e = await f.read(rsrcOff + relOff + 16, n * 8);
    const out: Array<{ id: number | null; off: number; isDir: boolean }> = [];
    for (let i = 0; i + 8 <= e.length; i += 8) {
      const nameField = e.readUInt32LE(i);
      const target = e.readUInt32LE(i + 4);
      out.push({ id: nameField & 0x80000000 ? null : nameField, off: target & 0x7fffffff, isDir: (target & 0x80000000) !== 0 });
    }
    return out;
  };
  const typeDir = (await readDir(0)).find((e) => e.id === type && e.isDir);
  if (!typeDir) return [];
  const out: PeResource[] = [];
  for (const named of (await readDir(typeDir.off)).slice(0, 256)) {
    let leafRef = named;
    if (leafRef.isDir) leafRef = (await readDir(leafRef.off))[0] ?? leafRef;
    if (leafRef.isDir) continue;
    const leaf = await f.read(rsrcOff + leafRef.off, 16);
    if (leaf.length < 8) continue;
    const dataOff = rvaToOffset(sections, leaf.readUInt32LE(0));
    const size = Math.min(leaf.readUInt32LE(4), maxBytes);
    if (dataOff === null || size <= 0) continue;
    out.push({ id: named.id, size, data: () => f.read(dataOff, size) });
  }
  return out;
}

async function peVersion(f: FileView, sections: Section[], rsrcRva: number): Promise<VersionStrings | null> {
  const r = (await peResourcesOfType(f, sections, rsrcRva, RT_VERSION, MAX_VERSION_BYTES))[0];
  if (!r || r.size < 8) return null;
  return parseVersionInfo(await r.data(), true);
}

/** Section table and resource directory of a PE file, for readers of other resource types. */
export async function peLayout(f: FileView): Promise<{ sections: Section[]; rsrcRva: number } | null> {
  const head = await f.head(4096);
  if (head.length < 0x40 || head.toString('latin1', 0, 2) !== 'MZ') return null;
  const at = head.readUInt32LE(0x3c);
  const nh = await f.read(at, 1024);
  if (nh.length < 120 || nh.toString('latin1', 0, 4) !== 'PE\0\0') return null;
  const nSections = Math.min(nh.readUInt16LE(6), 96);
  const optSize = nh.readUInt16LE(20);
  const plus = nh.readUInt16LE(24) === 0x20b;
  const dd = 24 + (plus ? 112 : 96);
  const rsrcRva = nh.length >= dd + 24 ? nh.readUInt32LE(dd + 16) : 0;
  const table = await f.read(at + 24 + optSize, nSections * 40);
  const sections: Section[] = [];
  for (let i = 0; i + 40 <= table.length; i += 40) {
    sections.push({ name: table.toString('latin1', i, i + 8).replace(/\0.*$/s, ''), vsize: table.readUInt32LE(i + 8), va: table.readUInt32LE(i + 12), rawSize: table.readUInt32LE(i + 16), raw: table.readUInt32LE(i + 20) });
  }
  return rsrcRva ? { sections, rsrcRva } : null;
}

async function sniffNe(f: FileView, at: number, nh: Buffer, base: ExeInfo): Promise<ExeInfo> {
  const hdr = nh.length >= 64 ? nh : await f.read(at, 64);
  const os = hdr[0x36];
  const flags = hdr.readUInt16LE(0x0c);
  const info: ExeInfo = {
    ...base,
    format: 'ne',
    machine: 'i386',
    isDll: (flags & 0x8000) !== 0,
    targetOs: os === 2 ? 'windows' : os === 1 ? 'os2' : os === 3 ? 'dos4' : os === 4 ? 'win386' : 'unknown',
  };
  info.gui = info.targetOs === 'windows' ? true : null;
  const modRefCount = Math.min(hdr.readUInt16LE(0x1e), MAX_IMPORTS);
  const modRefTable = at + hdr.readUInt16LE(0x28);
  const importNames = at + hdr.readUInt16LE(0x2a);
  const nonResTable = hdr.readUInt32LE(0x2c);
  const nonResSize = hdr.readUInt16LE(0x20);
  const rsrcTable = at + hdr.readUInt16LE(0x24);
  const resTable = at + hdr.readUInt16LE(0x26);
  if (modRefCount > 0) {
    const refs = await f.read(modRefTable, modRefCount * 2);
    const names = await f.read(importNames, Math.min(4096, Math.max(0, resTable > importNames ? 4096 : 4096)));
    for (let i = 0; i + 2 <= refs.length; i += 2) {
      const o = refs.readUInt16LE(i);
      if (o >= names.length) continue;
      const len = names[o]!;
      const name = names.toString('latin1', o + 1, Math.min(names.length, o + 1 + len));
      if (/^[\w.$@~-]{1,63}$/.test(name)) info.imports.push(name.toUpperCase());
    }
  }
  if (nonResTable > 0 && nonResSize > 0 && nonResTable < f.size) {
    const nr = await f.read(nonResTable, Math.min(nonResSize, 512));
    const len = nr[0] ?? 0;
    const desc = decodeAnsi(nr.subarray(1, 1 + len)).trim();
    if (desc) info.description = desc;
  }
  if (rsrcTable !== resTable) info.version = await neVersion(f, rsrcTable);
  return info;
}

async function neVersion(f: FileView, at: number): Promise<VersionStrings | null> {
  const t = await f.read(at, 4096);
  if (t.length < 4) return null;
  const shift = t.readUInt16LE(0);
  if (shift > 16) return null;
  let p = 2;
  for (let guard = 0; p + 8 <= t.length && guard < 64; guard++) {
    const typeId = t.readUInt16LE(p);
    if (typeId === 0) break;
    const count = t.readUInt16LE(p + 2);
    p += 8;
    if (typeId === (0x8000 | RT_VERSION) && count > 0 && p + 12 <= t.length) {
      const off = t.readUInt16LE(p) * 2 ** shift;
      const len = Math.min(t.readUInt16LE(p + 2) * 2 ** shift, MAX_VERSION_BYTES);
      return parseVersionInfo(await f.read(off, len), false);
    }
    p += count * 12;
  }
  return null;
}
