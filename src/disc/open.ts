import { statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { DiscError, fromFsError } from '../errors.js';
import { FileByteSource, type ByteSource } from './byte-source.js';
import { findCueFor, parseCue } from './cue.js';
import { FolderDisc } from './folder.js';
import { detectHfs } from './hfs.js';
import { aString, Iso9660Reader, readIsoDescriptors, ucs2String, volumeDate } from './iso9660.js';
import { isOpticalMount, mountAt } from './mounts.js';
import { readNrgTracks } from './nrg.js';
import { SevenZipDisc } from './sevenzip.js';
import { TreeDisc, type FileSystemReader } from './tree.js';
import type { Disc, DiscSource, FsKind, SourceKind, VolumeInfo } from './types.js';
import { hasUdfRecognition, UdfReader } from './udf.js';
import { detectLayout, LogicalVolume, SECTOR, type SectorLayout } from './volume.js';

export interface OpenOptions {
  /** Allow 7-Zip for formats the native reader does not parse (default true). */
  fallback?: boolean;
  /** Read a mounted physical disc through its block device when readable (default true). */
  preferDevice?: boolean;
}

/** TAO-burned discs read back up to two run-out sectors short; images often lose a few more. */
const TRUNCATION_SLACK_SECTORS = 150;

/**
 * Opens any disc: an ISO, a BIN/CUE, an NRG, a block device, or a folder (a mount point of a
 * physical disc is read through its device when possible, so its fingerprint equals the ISO's).
 */
export async function openDisc(path: string, opts: OpenOptions = {}): Promise<Disc> {
  const abs = resolve(path);
  let st;
  try {
    // A stat is answered from the inode cache (even for a drive's device node): no need for the thread pool.
    st = statSync(abs);
  } catch (e) {
    throw fromFsError(e, path);
  }
  if (st.isDirectory()) {
    if (opts.preferDevice !== false) {
      const m = await mountAt(abs);
      if (m && isOpticalMount(m) && m.source.startsWith('/dev/')) {
        try {
          return await openImage(m.source, 'device', opts, abs);
        } catch {
          // the device may not be readable by this user: the mounted files still are
        }
      }
      if (m && isOpticalMount(m)) return FolderDisc.open(abs, { label: basename(abs) });
    }
    return FolderDisc.open(abs);
  }
  if (st.isBlockDevice()) return openImage(abs, 'device', opts);
  if (!st.isFile()) throw new DiscError('unknown-format', { path });
  const ext = extname(abs).toLowerCase();
  if (ext === '.cue') return openCue(abs);
  if (ext === '.bin' || ext === '.img') {
    const cue = await findCueFor(abs);
    if (cue) return openCue(cue);
  }
  return openImage(abs, ext === '.bin' ? 'bin' : 'iso', opts);
}

async function openCue(cuePath: string): Promise<Disc> {
  const tracks = await parseCue(cuePath);
  const data = tracks.find((t) => t.isData);
  if (!data) throw new DiscError('audio-cd', { path: cuePath });
  const src = await FileByteSource.open(data.file);
  try {
    const layout = await detectLayout(src, data.offset, data.sectorSize);
    if (!layout) throw new DiscError('unknown-format', { path: cuePath });
    return await onVolume(new LogicalVolume(src, layout), { kind: 'bin', path: cuePath });
  } catch (e) {
    await src.close();
    throw e;
  }
}

async function openImage(path: string, kind: SourceKind, opts: OpenOptions, mountPoint?: string): Promise<Disc> {
  const src = await FileByteSource.open(path);
  try {
    const layout = await findLayout(src);
    if (layout) {
      const k: SourceKind = layout.nrg ? 'nrg' : layout.layout.sectorSize === SECTOR ? kind : 'bin';
      return await onVolume(new LogicalVolume(src, layout.layout), mountPoint ? { kind: k, path, mountPoint } : { kind: k, path });
    }
    await src.close();
  } catch (e) {
    await src.close();
    throw e;
  }
  if (opts.fallback !== false && kind !== 'device') {
    try {
      return await SevenZipDisc.open(path);
    } catch (e) {
      if (e instanceof DiscError && e.code === 'tool-missing') throw e;
    }
  }
  throw new DiscError('unknown-format', { path });
}

/** Opens an image from any byte source (an in-memory buffer in tests and fuzzing). */
export async function openImageSource(src: ByteSource, kind: SourceKind = 'iso'): Promise<Disc> {
  const layout = await findLayout(src);
  if (!layout) throw new DiscError('unknown-format', { path: src.path });
  return onVolume(new LogicalVolume(src, layout.layout), { kind, path: src.path });
}

async function findLayout(src: ByteSource): Promise<{ layout: SectorLayout; nrg: boolean } | null> {
  const nrg = await readNrgTracks(src);
  if (nrg) {
    const dataTracks = nrg.filter((t) => !t.isAudio);
    for (const t of dataTracks) {
      const sectors = t.length && t.sectorSize ? Math.floor(t.length / t.sectorSize) : undefined;
      const layout = await detectLayout(src, t.offset, t.sectorSize ?? undefined, sectors);
      if (layout) return { layout, nrg: true };
    }
    if (dataTracks.length === 0) throw new DiscError('audio-cd', { path: src.path });
    return null;
  }
  const layout = await detectLayout(src, 0);
  return layout ? { layout, nrg: false } : null;
}

async function onVolume(vol: LogicalVolume, source: DiscSource): Promise<Disc> {
  const filesystems: FsKind[] = [];
  const iso = await readIsoDescriptors(vol);
  const udf = await hasUdfRecognition(vol);
  const hfs = await detectHfs(vol);
  const info: VolumeInfo = {
    label: null, publisher: null, preparer: null, application: null, systemId: null, volumeSetId: null,
    created: null, modified: null, filesystems, macName: hfs?.name ?? null, macOnly: false, sizeBytes: vol.sizeBytes, listedWith: null, cdSerial: null,
  };
  let isoReader: FileSystemReader | null = null;
  if (iso) {
    if (iso.volumeSpaceSize > vol.sectorCount + TRUNCATION_SLACK_SECTORS) {
      throw new DiscError('truncated', { path: source.path, what: `the volume (${iso.volumeSpaceSize} sectors declared, ${vol.sectorCount} present)` });
    }
    const p = iso.pvd;
    filesystems.push('iso9660');
    info.label = aString(p, 40, 32);
    info.systemId = aString(p, 8, 32);
    info.volumeSetId = aString(p, 190, 128);
    info.publisher = aString(p, 318, 128);
    info.preparer = aString(p, 446, 128);
    info.application = aString(p, 574, 128);
    info.created = volumeDate(p, 813);
    info.modified = volumeDate(p, 830);
    const primary = await Iso9660Reader.open(vol, p, 'primary');
    if (primary.rockRidge) filesystems.push('rockridge');
    isoReader = primary.reader;
    if (iso.joliet) {
      filesystems.push('joliet');
      const j = iso.joliet;
      // Windows shows the Joliet names and label; so do we.
      info.label = ucs2String(j, 40, 32) ?? info.label;
      info.publisher = ucs2String(j, 318, 128) ?? info.publisher;
      info.preparer = ucs2String(j, 446, 128) ?? info.preparer;
      info.application = ucs2String(j, 574, 128) ?? info.application;
      isoReader = (await Iso9660Reader.open(vol, j, 'joliet')).reader;
    }
    if (iso.elTorito) filesystems.push('eltorito');
    info.cdSerial = cdSerial(iso.joliet ?? p);
  }
  let udfReader: UdfReader | null = null;
  if (udf) {
    try {
      udfReader = await UdfReader.open(vol);
      filesystems.push('udf');
    } catch (e) {
      if (!isoReader) throw e;
    }
  }
  if (hfs) {
    if (hfs.apm) filesystems.push('apm');
    filesystems.push(hfs.kind === 'hfs' ? 'hfs' : 'hfsplus');
  }
  let reader: FileSystemReader | null = isoReader;
  if (udfReader) {
    info.label = info.label ?? udfReader.info.label;
    info.created = info.created ?? udfReader.info.created;
    // A bridge disc whose ISO side is only a placeholder ("use a UDF reader") is read through UDF.
    if (!isoReader || (await isPlaceholder(isoReader))) reader = udfReader;
  }
  if (!reader) {
    if (hfs) {
      info.macOnly = true;
      info.label = hfs.name;
      info.created = hfs.created;
      return new TreeDisc(source, info, vol, emptyFs(hfs.kind === 'hfs' ? 'hfs' : 'hfsplus'));
    }
    throw new DiscError('unknown-format', { path: source.path });
  }
  info.listedWith = reader.kind;
  return new TreeDisc(source, info, vol, reader);
}

/** Wine's and Windows' CDFS serial: four running byte sums over the 2048-byte descriptor. */
export function cdSerial(descriptor: Buffer): { nt: number; win9x: number } {
  const sum = [0, 0, 0, 0];
  for (let i = 0; i + 3 < 2048 && i + 3 < descriptor.length; i += 4) for (let k = 0; k < 4; k++) sum[k] = (sum[k]! + descriptor[i + k]!) & 0xff;
  const [a, b, c, d] = sum as [number, number, number, number];
  return { nt: ((a << 24) | (b << 16) | (c << 8) | d) >>> 0, win9x: ((d << 24) | (c << 16) | (b << 8) | a) >>> 0 };
}

async function isPlaceholder(fs: FileSystemReader): Promise<boolean> {
  const kids = await fs.children(fs.root);
  return kids.length <= 1 && kids.every((k) => !k.isDir);
}

function emptyFs(kind: FsKind): FileSystemReader {
  return { kind, root: { name: '', isDir: true, size: 0, mtime: null, extents: [], key: 'hfs:root' }, children: async () => [] };
}
