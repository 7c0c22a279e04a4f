import { parentPort, workerData } from 'node:worker_threads';
import type { Lang } from '../i18n.js';
import { loadCatalogue } from '../profiles/load.js';
import { ProfileIndex } from '../profiles/match.js';
import { readDisc, type Job } from './read-disc.js';

export type { Job };

/** A scan worker: reads discs one at a time and posts their rows back. */
const lang = (workerData as { lang: Lang }).lang;
const index = loadCatalogue().then((c) => new ProfileIndex(c));

parentPort!.on('message', (job: Job) => {
  void (async () => parentPort!.postMessage({ id: job.id, row: await readDisc(job, await index, lang) }))();
});
