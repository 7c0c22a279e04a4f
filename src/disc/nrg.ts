import { DiscError } from '../errors.js';
import type { ByteSource } from './byte-source.js';

export interface NrgTrack {
  offset: number;
  length: number | null;
  sectorSize: number | null;
  mode: number;
  isAudio: boolean;
}

const MAX_CHUNKS = 4096;

/**
 * Reads the track table of a Nero image from its footer (`NER5` u64 or `NERO` u32 offset to the
 * chunk list). Returns null when the file has no Nero footer.
 */
export async function readNrgTracks(src: ByteSource): Promise<NrgTrack[] | null> {
  if (src.size < 12) return null;
  const tail = await src.read(src.size - 12, 12);
  let chunkStart: number;
  if (tail.toString('latin1', 0, 4) === 'NER5') chunkStart = Number(tail.readBigUInt64BE(4));
  else if (tail.toString('latin1', 4, 8) === 'NERO') chunkStart = tail.readUInt32BE(8);
  else return null;
  if (chunkStart >= src.size - 8) throw new DiscError('corrupt', { path: src.path, what: 'the Nero chunk table lies outside the file' });

  const tracks: NrgTrack[] = [];
  let pos = chunkStart;
  for (let i = 0; i < MAX_CHUNKS && pos + 8 <= src.size; i++) {
    const head = await src.read(pos, 8);
    const id = head.toString('latin1', 0, 4);
    const len = head.readUInt32BE(4);
    if (id === 'END!') break;
    if (pos + 8 + len > src.size) throw new DiscError('corrupt', { path: src.path, what: `Nero chunk ${JSON.stringify(id)} runs past the end` });
    const body = len > 0 && len < 1 << 20 ? await src.read(pos + 8, len) : Buffer.alloc(0);
    if (id === 'DAOX' || id === 'DAOI') {
      const wide = id === 'DAOX';
      const entry = wide ? 42 : 30;
      for (let p = 22; p + entry <= body.length; p += entry) {
        const sectorSize = body.readUInt16BE(p + 12);
        const mode = body[p + 14]!;
        const index1 = wide ? Number(body.readBigUInt64BE(p + 26)) : body.readUInt32BE(p + 22);
        const end = wide ? Number(body.readBigUInt64BE(p + 34)) : body.readUInt32BE(p + 26);
        tracks.push({ offset: index1, length: end - index1, sectorSize, mode, isAudio: mode === 7 });
      }
    } else if (id === 'ETN2' || id === 'ETNF') {
      const wide = id === 'ETN2';
      const entry = wide ? 32 : 20;
      for (let p = 0; p + entry <= body.length; p += entry) {
        const offset = wide ? Number(body.readBigUInt64BE(p)) : body.readUInt32BE(p);
        const length = wide ? Number(body.readBigUInt64BE(p + 8)) : body.readUInt32BE(p + 4);
        const mode = wide ? body.readUInt32BE(p + 16) : body.readUInt32BE(p + 8);
        tracks.push({ offset, length, sectorSize: null, mode, isAudio: mode === 7 });
      }
    }
    pos += 8 + len;
  }
  return tracks;
}
