import { openDisc } from '../disc/index.js';
import { inspectDisc } from '../fingerprint/inspect.js';
import type { Lang } from '../i18n.js';
import type { ProfileIndex } from '../profiles/match.js';
import { matchDisc } from '../profiles/match.js';
import { errorRow, rowFromDisc, type ScanRow } from './row.js';

export interface Job {
  id: number;
  path: string;
  rel: string;
  size: number;
  mtime: string | null;
}

/** One disc of a scan: open, inspect, match, make its row (an error row when anything fails). */
export async function readDisc(job: Job, index: ProfileIndex, lang: Lang): Promise<ScanRow> {
  const base = { path: job.path, rel: job.rel, size: job.size, mtime: job.mtime };
  try {
    const disc = await openDisc(job.path);
    try {
      const insp = await inspectDisc(disc, lang);
      return await rowFromDisc(disc, insp, await matchDisc(index, insp, disc), base);
    } finally {
      await disc.close();
    }
  } catch (e) {
    return errorRow(base, e, lang);
  }
}
