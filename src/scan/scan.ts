import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat, mkdtemp } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DiscrunError } from '../errors.js';
import type { Lang } from '../i18n.js';
import { launch } from '../launch/launch.js';
import type { Logger } from '../log.js';
import { loadCatalogue } from '../profiles/load.js';
import { decodeOwnPng, thumbnail } from '../supervise/png.js';
import { VERSION } from '../version.js';
import type { Dirs } from '../xdg.js';
import { ScanCache } from './cache.js';
import { findDiscs, inShard, type Candidate, type FindProblem } from './find.js';
import { addToSummary, emptySummary, readJournal, writeHtmlReport, writeJsonReport, type ReportMeta, type Summary } from './report.js';
import { errorRow, verdictOf, type ScanRow } from './row.js';
import { readDisc, type Job } from './read-disc.js';
import { ProfileIndex } from '../profiles/match.js';

export interface ScanOptions {
  roots: string[];
  jobs: number;
  json?: string;
  html?: string;
  smoke?: boolean;
  smokeTimeout?: number;
  shard?: { index: number; count: number } | null;
  resume?: boolean;
  lang: Lang;
  dirs: Dirs;
  log: Logger;
  signal?: AbortSignal;
  progress?: (done: number, total: number, row: ScanRow | null) => void;
}

export interface ScanOutcome {
  summary: Summary;
  partial: boolean;
  total: number;
  cached: number;
  journal: string;
}

/**
 * Discs are read by worker threads and by the main thread itself (one at a time): on a two-core
 * machine that is two readers without a third thread competing for the cores.
 */
class Pool {
  private workers: Worker[] = [];
  private idle: Worker[] = [];
  private waiting: Array<(w: Worker) => void> = [];
  private pending = new Map<number, (row: ScanRow) => void>();
  private localBusy = false;

  constructor(
    size: number,
    private readonly lang: Lang,
    private readonly index: ProfileIndex,
  ) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL('./worker.js', import.meta.url), { workerData: { lang } });
      w.on('message', (m: { id: number; row: ScanRow }) => {
        this.pending.get(m.id)?.(m.row);
        this.pending.delete(m.id);
        this.release(w);
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  private release(w: Worker): void {
    const next = this.waiting.shift();
    if (next) next(w);
    else this.idle.push(w);
  }

  private localWaiting: Array<() => void> = [];

  private async runLocal(job: Job): Promise<ScanRow> {
    this.localBusy = true;
    try {
      return await readDisc(job, this.index, this.lang);
    } finally {
      this.localBusy = false;
      this.localWaiting.shift()?.();
    }
  }

  async run(job: Job): Promise<ScanRow> {
    if (!this.localBusy && !this.idle.length) return this.runLocal(job);
    if (!this.workers.length) {
      // No workers: jobs wait for the main thread, one at a time.
      while (this.localBusy) await new Promise<void>((r) => this.localWaiting.push(r));
      return this.runLocal(job);
    }
    const w = this.idle.pop() ?? (await new Promise<Worker>((r) => this.waiting.push(r)));
    return new Promise((resolve) => {
      this.pending.set(job.id, resolve);
      w.postMessage(job);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

async function reportTo(path: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (e) {
    throw new DiscrunError('write-failed', { path, reason: (e as NodeJS.ErrnoException).code ?? String(e) }, { cause: e });
  }
}

/** Where an interrupted scan of the same folders (and shard) left off. */
function journalPath(dirs: Dirs, roots: string[], shard: ScanOptions['shard'], smoke: boolean): string {
  const key = createHash('sha256').update(JSON.stringify([roots, shard ?? null, smoke])).digest('hex').slice(0, 16);
  return join(dirs.cache, 'scan-journals', `${key}.jsonl`);
}

function catalogueStamp(cat: Awaited<ReturnType<typeof loadCatalogue>>): string {
  return createHash('sha256').update(JSON.stringify(cat.profiles.map((p) => [p.path, p.profile.id, p.profile.status, p.profile.runner, p.profile.match]))).digest('hex').slice(0, 16);
}

/**
 * Scans a collection: finds the discs, reads them in worker threads, matches them, optionally
 * smoke-tests them, and streams every row to a journal on disk; reports are written from the
 * journal. Memory stays flat however large the collection is; an interrupted scan resumes.
 */
export async function scan(o: ScanOptions): Promise<ScanOutcome> {
  const roots = o.roots.map((r) => resolve(r));
  const journal = journalPath(o.dirs, roots, o.shard ?? null, o.smoke ?? false);
  await mkdir(join(o.dirs.cache, 'scan-journals'), { recursive: true });
  const done = new Set<string>();
  const summary = emptySummary();
  if (o.resume) {
    try {
      for await (const r of readJournal(journal)) {
        done.add(r.path);
        addToSummary(summary, r);
      }
    } catch {
      // nothing to resume
    }
  } else await rm(journal, { force: true });
  const out: WriteStream = createWriteStream(journal, { flags: 'a' });
  // Rows are written as they come; only a full buffer makes the scan wait (back-pressure).
  const append = async (r: ScanRow) => {
    addToSummary(summary, r);
    if (!out.write(JSON.stringify(r) + '\n')) await new Promise<void>((res) => out.once('drain', () => res()));
  };

  const problems: FindProblem[] = [];
  const candidates: Candidate[] = [];
  for await (const c of findDiscs(roots, problems)) if (inShard(c, o.shard ?? null) && !done.has(c.path)) candidates.push(c);
  for (const p of problems) {
    const c: Candidate = { path: p.path, rel: p.path, root: '', kind: 'folder' };
    if (!inShard(c, o.shard ?? null) || done.has(p.path)) continue;
    const e = Object.assign(new Error(p.code === 'ELOOP' ? 'symbolic link loop' : `cannot read (${p.code})`), { code: p.code });
    await append(errorRow({ path: p.path, rel: p.path, size: 0, mtime: null }, e, o.lang));
  }
  const total = candidates.length;
  const cat = await loadCatalogue();
  const cache = new ScanCache(join(o.dirs.cache, 'scan'), catalogueStamp(cat));
  // Workers start only when a disc is not in the cache: a rescan of an unchanged collection needs none.
  let poolInstance: Pool | null = null;
  const index = new ProfileIndex(cat);
  const pool = { run: (job: Job) => (poolInstance ??= new Pool(Math.max(0, o.jobs - 1), o.lang, index)).run(job), close: async () => poolInstance?.close() };
  let cached = 0;
  let finished = 0;
  let nextId = 0;
  const inFlight = new Set<Promise<void>>();
  // Smoke tests run one at a time, in the order discs finish being read.
  let smokeChain: Promise<void> = Promise.resolve();

  const smoke = async (row: ScanRow) => {
    const dir = await mkdtemp(join(o.dirs.cache, 'smoke-'));
    const shot = join(dir, 'shot.png');
    try {
      const r = await launch({ path: row.path, headless: true, throwaway: true, timeoutSec: o.smokeTimeout ?? 15, screenshot: shot, force: true, lang: o.lang, dirs: o.dirs, log: o.log, ...(o.signal ? { signal: o.signal } : {}) });
      let thumb: string | null = null;
      if (r.screenshot) {
        try {
          thumb = `data:image/png;base64,${thumbnail(decodeOwnPng(await readFile(r.screenshot)), 160).toString('base64')}`;
        } catch {
          thumb = null;
        }
      }
      row.smoke = { outcome: r.outcome, seconds: r.seconds, runner: r.runner, screenshot: null, thumbnail: thumb, message: r.message };
    } catch (e) {
      row.smoke = { outcome: 'crashed', seconds: 0, runner: row.runner, screenshot: null, thumbnail: null, message: String((e as Error)?.message ?? e) };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    row.verdict = verdictOf(row);
  };

  const handle = async (c: Candidate) => {
    let row: ScanRow;
    let st;
    try {
      st = await stat(c.path);
    } catch (e) {
      row = errorRow({ path: c.path, rel: c.rel, size: 0, mtime: null }, e, o.lang);
    }
    if (st) {
      const base = { path: c.path, rel: c.rel, size: st.size, mtime: st.mtime.toISOString() };
      const hit = c.kind === 'image' ? await cache.get(c.path, st.size, st.mtimeMs) : null;
      if (hit) {
        cached++;
        row = { ...hit, rel: c.rel };
      } else {
        row = await pool.run({ id: nextId++, ...base });
        if (row.ok && c.kind === 'image') await cache.put(c.path, st.size, st.mtimeMs, row);
      }
    }
    if (o.smoke && row!.ok && row!.runner !== 'none' && !o.signal?.aborted) {
      const r = row!;
      smokeChain = smokeChain.then(() => (o.signal?.aborted ? undefined : smoke(r)));
      await smokeChain;
    }
    if (o.signal?.aborted && o.smoke && !row!.smoke && row!.ok) return; // not finished: left for --resume
    await append(row!);
    finished++;
    o.progress?.(finished, total, row!);
  };

  try {
    for (const c of candidates) {
      if (o.signal?.aborted) break;
      const p = handle(c).finally(() => inFlight.delete(p));
      inFlight.add(p);
      // Enough discs in flight to keep every worker busy while others are being written out.
      if (inFlight.size >= Math.max(4, o.jobs * 8)) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await pool.close();
    await new Promise<void>((r) => out.end(() => r()));
  }
  const partial = !!o.signal?.aborted && finished < total;
  const meta: ReportMeta = { generated: new Date().toISOString(), discrun: VERSION, partial, roots, shard: o.shard ? `${o.shard.index}/${o.shard.count}` : null, smoke: o.smoke ?? false, cached };
  if (o.json) await reportTo(o.json, () => writeJsonReport(o.json!, meta, summary, readJournal(journal)));
  if (o.html) await reportTo(o.html, () => writeHtmlReport(o.html!, meta, summary, readJournal(journal), o.lang));
  o.log.info({ total, cached, partial, summary: summary.byVerdict }, 'scan finished');
  return { summary, partial, total: total + done.size, cached, journal };
}

/** Joins shard reports into one (rows are streamed from each part). */
export async function mergeReports(parts: string[], out: { json?: string; html?: string }, lang: Lang): Promise<Summary> {
  const summary = emptySummary();
  const roots = new Set<string>();
  let smokeSeen = false;
  let partial = false;
  const docs: Array<{ discs: ScanRow[] }> = [];
  for (const p of parts) {
    const doc = JSON.parse(await readFile(p, 'utf8')) as { format?: string; roots: string[]; smoke: boolean; partial: boolean; discs: ScanRow[] };
    if (doc.format !== 'discrun-scan') throw new Error(`${p} is not a discrun scan report`);
    for (const r of doc.roots) roots.add(r);
    smokeSeen ||= doc.smoke;
    partial ||= doc.partial;
    docs.push(doc);
    for (const r of doc.discs) addToSummary(summary, r);
  }
  async function* rows() {
    for (const d of docs) yield* d.discs;
  }
  const meta: ReportMeta = { generated: new Date().toISOString(), discrun: VERSION, partial, roots: [...roots], shard: null, smoke: smokeSeen, cached: 0 };
  if (out.json) await reportTo(out.json, () => writeJsonReport(out.json!, meta, summary, rows()));
  if (out.html) await reportTo(out.html, () => writeHtmlReport(out.html!, meta, summary, rows(), lang));
  return summary;
}
