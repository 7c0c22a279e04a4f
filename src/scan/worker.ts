import { parentPort, workerData } from 'node:worker_threads';
import { openDisc } from '../disc/index.js';
import { inspectDisc } from '../fingerprint/inspect.js';
import type { Lang } from '../i18n.js';
import { loadCatalogue } from '../profiles/load.js';
import { matchDisc, ProfileIndex } from '../profiles/match.js';
import { errorRow, rowFromDisc } from './row.js';

/** A scan worker: reads discs one at a time and posts their rows back. */
export interface Job {
  id: number;
  path: string;
  rel: string;
  size: number;
  mtime: string | null;
}

const lang = (workerData as { lang: Lang }).lang;
const index = loadCatalogue().then((c) => new ProfileIndex(c));

parentPort!.on('message', (job: Job) => {
  void (async () => {
    const base = { path: job.path, rel: job.rel, size: job.size, mtime: job.mtime };
    try {
      const disc = await openDisc(job.path);
      try {
        const insp = await inspectDisc(disc, lang);
        const match = await matchDisc(await index, insp, disc);
        parentPort!.postMessage({ id: job.id, row: await rowFromDisc(disc, insp, match, base) });
      } finally {
        await disc.close();
      }
    } catch (e) {
      parentPort!.postMessage({ id: job.id, row: errorRow(base, e, lang) });
    }
  })();
});
