import { readFile, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DiscError, fromFsError } from '../errors.js';

export interface CueTrack {
  number: number;
  /** Absolute path of the file holding the track. */
  file: string;
  mode: string;
  sectorSize: number;
  /** Byte offset of INDEX 01 inside `file`. */
  offset: number;
  isData: boolean;
}

const MODE_SIZES: Record<string, number> = {
  'AUDIO': 2352,
  'CDG': 2448,
  'MODE1/2048': 2048,
  'MODE1/2352': 2352,
  'MODE2/2048': 2048,
  'MODE2/2324': 2324,
  'MODE2/2336': 2336,
  'MODE2/2352': 2352,
  'CDI/2336': 2336,
  'CDI/2352': 2352,
};

const MAX_CUE_BYTES = 1 << 20;

/** Parses a CUE sheet. FILE names resolve inside the sheet's folder only, case-insensitively. */
export async function parseCue(cuePath: string): Promise<CueTrack[]> {
  let text: string;
  try {
    const buf = await readFile(cuePath);
    if (buf.length > MAX_CUE_BYTES) throw new DiscError('bad-cue', { path: cuePath, what: 'the sheet is larger than 1 MiB' });
    text = buf.toString('latin1');
  } catch (e) {
    throw e instanceof DiscError ? e : fromFsError(e, cuePath);
  }
  const dir = dirname(cuePath);
  let siblings: string[] | null = null;
  const resolveFile = async (name: string): Promise<string> => {
    const base = name.replace(/\\/g, '/');
    if (base.includes('/') || base === '..' || base === '.' || base === '') {
      throw new DiscError('bad-cue', { path: cuePath, what: `FILE ${JSON.stringify(name)} points outside the sheet's folder` });
    }
    siblings ??= await readdir(dir).catch(() => []);
    const exact = siblings.find((s) => s === base) ?? siblings.find((s) => s.toLowerCase() === base.toLowerCase());
    if (!exact) throw new DiscError('not-found', { path: join(dir, base) });
    return join(dir, exact);
  };

  const tracks: CueTrack[] = [];
  let file: string | null = null;
  // Per file: sectors consumed by the tracks before the current one, to turn MSF into bytes.
  let current: { number: number; mode: string; sectorSize: number } | null = null;
  let lineNo = 0;
  for (const rawLine of text.split(/\r?\n/)) {
    lineNo++;
    const line = rawLine.trim();
    if (line === '' || /^REM\b/i.test(line)) continue;
    const m = /^(\S+)\s*(.*)$/.exec(line)!;
    const cmd = m[1]!.toUpperCase();
    const rest = m[2] ?? '';
    if (cmd === 'FILE') {
      const fm = /^"([^"]*)"\s*(\S*)$/.exec(rest) ?? /^(\S+)\s*(\S*)$/.exec(rest);
      if (!fm) throw new DiscError('bad-cue', { path: cuePath, what: `line ${lineNo}: FILE without a name` });
      file = await resolveFile(fm[1]!);
      current = null;
    } else if (cmd === 'TRACK') {
      const tm = /^(\d+)\s+(\S+)$/.exec(rest);
      if (!tm || file === null) throw new DiscError('bad-cue', { path: cuePath, what: `line ${lineNo}: TRACK before FILE or malformed` });
      const mode = tm[2]!.toUpperCase();
      const sectorSize = MODE_SIZES[mode];
      if (!sectorSize) throw new DiscError('bad-cue', { path: cuePath, what: `line ${lineNo}: unknown track mode ${mode}` });
      current = { number: Number(tm[1]), mode, sectorSize };
    } else if (cmd === 'INDEX') {
      const im = /^(\d+)\s+(\d+):(\d+):(\d+)$/.exec(rest);
      if (!im || !current || file === null) throw new DiscError('bad-cue', { path: cuePath, what: `line ${lineNo}: INDEX outside a TRACK or malformed` });
      if (Number(im[1]) !== 1) continue;
      const frames = (Number(im[2]) * 60 + Number(im[3])) * 75 + Number(im[4]);
      tracks.push({
        number: current.number,
        file,
        mode: current.mode,
        sectorSize: current.sectorSize,
        offset: frames * current.sectorSize,
        isData: current.mode !== 'AUDIO' && current.mode !== 'CDG',
      });
    }
  }
  if (tracks.length === 0) throw new DiscError('bad-cue', { path: cuePath, what: 'no track with an INDEX 01' });
  return tracks;
}

/** The .cue that sits beside a .bin, if any: raw images are usually shipped as a pair. */
export async function findCueFor(binPath: string): Promise<string | null> {
  const dir = dirname(binPath);
  const stem = basename(binPath).replace(/\.[^.]*$/, '').toLowerCase();
  const names = await readdir(dir).catch(() => [] as string[]);
  const cue = names.find((n) => n.toLowerCase() === `${stem}.cue`);
  return cue ? join(dir, cue) : null;
}
