import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { openDisc, type Disc } from '../disc/index.js';
import { DiscrunError, isDiscrunError } from '../errors.js';
import { inspectDisc } from '../fingerprint/inspect.js';
import type { Inspection } from '../fingerprint/types.js';
import type { Lang } from '../i18n.js';
import { launch, type LaunchResult } from '../launch/launch.js';
import type { Logger } from '../log.js';
import { loadCatalogue } from '../profiles/load.js';
import { matchDisc, ProfileIndex, type MatchResult } from '../profiles/match.js';
import { writeFileAtomic } from '../util/atomic.js';
import { pidLock } from '../util/pid-lock.js';
import type { Dirs } from '../xdg.js';
import type { DaemonConfig } from './config.js';
import type { Notifier } from './notify.js';
import { watchSources, type DiscEvent, type DiscSources } from './sources.js';

export interface RunningDisc {
  slot: string;
  path: string;
  title: string | null;
  runner: string;
  profile: string | null;
  since: string;
}

export interface DaemonStatus {
  pid: number;
  started: string;
  sources: { mounts: boolean; mediaRoots: string[]; watch: string[] };
  running: RunningDisc[];
  queued: Array<{ slot: string; path: string }>;
  recent: Array<{ time: string; path: string; what: string; message: string }>;
}

interface Slot {
  running: { event: DiscEvent; ac: AbortController; done: Promise<void>; info: RunningDisc } | null;
  /** A disc being read or asked about: the slot is taken, the next disc waits. */
  busy: boolean;
  queue: DiscEvent[];
}

const L = (lang: Lang, fr: string, en: string) => (lang === 'fr' ? fr : en);

export function statusFile(dirs: Dirs): string {
  return join(dirs.runtime, 'daemon.json');
}

export function lockFile(dirs: Dirs): string {
  return join(dirs.runtime, 'daemon.lock');
}

/** One daemon per user: a lock with the owner's pid; a lock left by a dead daemon is taken over. */
export async function acquireDaemonLock(dirs: Dirs): Promise<() => Promise<void>> {
  await mkdir(dirs.runtime, { recursive: true, mode: 0o700 });
  return pidLock(lockFile(dirs), (pid) => new DiscrunError('busy', { what: `discrun daemon (pid ${pid})` }));
}

/**
 * Insert a disc and it starts: watches sources, reads each new disc, follows the policy for its
 * profile's status, runs one program per slot, stops a program whose disc goes away.
 */
export class Daemon {
  private sources: DiscSources | null = null;
  private slots = new Map<string, Slot>();
  private recent: DaemonStatus['recent'] = [];
  private started = new Date().toISOString();
  private stopping = false;
  private pending = new Set<Promise<void>>();

  constructor(
    private readonly config: DaemonConfig,
    private readonly deps: { log: Logger; notifier: Notifier; dirs: Dirs; lang: Lang },
  ) {}

  async start(): Promise<void> {
    const { log } = this.deps;
    this.sources = watchSources({ mounts: this.config.mounts, mediaRoots: this.config.mediaRoots, watch: this.config.watch, settleMs: this.config.settleSeconds * 1000 });
    this.sources.on('inserted', (d) => this.track(this.inserted(d)));
    this.sources.on('removed', (d) => this.removed(d));
    this.sources.on('error', (e, where) => log.warn({ err: e, where }, 'watch error'));
    log.info({ mounts: this.config.mounts, mediaRoots: this.config.mediaRoots, watch: this.config.watch }, 'daemon started');
    await this.writeStatus();
  }

  private track(p: Promise<void>): void {
    const q = p.catch((e) => this.deps.log.error({ err: e }, 'disc handling failed')).finally(() => this.pending.delete(q));
    this.pending.add(q);
  }

  private slot(name: string): Slot {
    let s = this.slots.get(name);
    if (!s) this.slots.set(name, (s = { running: null, busy: false, queue: [] }));
    return s;
  }

  private event(path: string, what: string, message: string): void {
    this.recent.unshift({ time: new Date().toISOString(), path, what, message });
    this.recent.length = Math.min(this.recent.length, 30);
    this.deps.log.info({ path, what, message }, what);
    void this.writeStatus();
  }

  private async inserted(d: DiscEvent): Promise<void> {
    if (this.stopping) return;
    const s = this.slot(d.slot);
    if (s.running || s.busy) {
      s.queue.push(d);
      const current = s.running?.info.title ?? s.running?.info.path ?? '';
      this.event(d.path, 'queued', L(this.deps.lang, `Disque en attente : ${current} est encore lancé.`, `Disc waiting: ${current} is still running.`));
      await this.deps.notifier.tell('discrun', L(this.deps.lang, 'Un autre disque a été inséré : il démarrera quand le premier sera fermé.', 'Another disc was inserted: it will start when the first one is closed.'), 'low');
      return;
    }
    s.busy = true;
    try {
      await this.handle(d, s);
    } finally {
      s.busy = false;
      if (!s.running) this.next(d.slot);
    }
  }

  private next(slotName: string): void {
    const s = this.slot(slotName);
    const n = s.queue.shift();
    if (n) this.track(this.inserted(n));
    void this.writeStatus();
  }

  private removed(d: DiscEvent): void {
    const s = this.slots.get(d.slot);
    if (!s) return;
    s.queue = s.queue.filter((q) => q.path !== d.path);
    if (s.running && s.running.event.path === d.path) {
      this.event(d.path, 'removed', L(this.deps.lang, 'Disque retiré : le programme est arrêté, ses sauvegardes sont gardées.', 'Disc removed: the program is stopped, its saves are kept.'));
      s.running.ac.abort('disc-removed');
    }
    void this.writeStatus();
  }

  private async handle(d: DiscEvent, s: Slot): Promise<void> {
    const { lang, notifier, log } = this.deps;
    let disc: Disc;
    let inspection: Inspection;
    let match: MatchResult;
    try {
      disc = await openDisc(d.path);
    } catch (e) {
      const why = isDiscrunError(e) ? e.sentence(lang) : String(e);
      this.event(d.path, 'unreadable', why);
      await notifier.tell(L(lang, 'Disque illisible', 'Unreadable disc'), why, 'normal');
      return;
    }
    let keepOpen = false;
    try {
      inspection = await inspectDisc(disc, lang);
      match = await matchDisc(new ProfileIndex(await loadCatalogue()), inspection, disc);
      const title = inspection.title ?? inspection.volume.label ?? d.path;
      const status = match.chosen?.profile.status ?? 'none';
      const runner = match.chosen?.profile.runner ?? inspection.runner;
      if (runner === 'none') {
        const why = inspection.risks.find((r) => ['mac-only', 'dvd-video', 'no-entry'].includes(r.id))?.message ?? L(lang, 'Ce disque ne contient rien à lancer.', 'This disc holds nothing to launch.');
        this.event(d.path, 'not-runnable', why);
        await notifier.tell(title, why);
        return;
      }
      const action = this.config.policy[status];
      if (action === 'never') {
        const why = match.chosen?.profile.note?.[lang === 'fr' ? 'fr' : 'en'] ?? match.chosen?.profile.note?.fr ?? L(lang, 'Ce disque est connu pour ne pas fonctionner.', 'This disc is known not to work.');
        this.event(d.path, 'refused', why);
        await notifier.tell(title, why);
        return;
      }
      if (action === 'ask') {
        this.event(d.path, 'asking', L(lang, `Demande s’il faut lancer ${title}.`, `Asking whether to launch ${title}.`));
        const body = L(lang, `Ce disque n’a pas encore été vérifié (${status}). Le lancer quand même ?`, `This disc has not been verified yet (${status}). Launch it anyway?`);
        const answer = await notifier.ask(title, body, [{ id: 'start', label: L(lang, 'Lancer', 'Launch') }, { id: 'ignore', label: L(lang, 'Ignorer', 'Ignore') }], this.config.askTimeoutSeconds * 1000);
        if (answer !== 'start' || this.stopping) {
          this.event(d.path, 'ignored', L(lang, 'Lancement non demandé.', 'Launch not requested.'));
          return;
        }
      }
      const ac = new AbortController();
      const info: RunningDisc = { slot: d.slot, path: d.path, title, runner, profile: match.profile?.id ?? null, since: new Date().toISOString() };
      this.event(d.path, 'launching', L(lang, `Lancement de ${title}.`, `Launching ${title}.`));
      keepOpen = true;
      const done = launch({ path: d.path, prepared: { disc, inspection, match }, signal: ac.signal, lang, dirs: this.deps.dirs, log, noSandbox: !this.config.sandbox })
        .then(async (r: LaunchResult) => {
          this.event(d.path, r.outcome, r.message);
          if (r.outcome === 'crashed' || r.outcome === 'refused') await notifier.tell(title, r.message, 'normal');
        })
        .catch(async (e) => {
          const why = isDiscrunError(e) ? e.sentence(lang) : String(e);
          this.event(d.path, 'error', why);
          await notifier.tell(title, why, 'normal');
        })
        .finally(async () => {
          s.running = null;
          await disc.close();
          this.next(d.slot);
        });
      s.running = { event: d, ac, done, info };
      await this.writeStatus();
    } catch (e) {
      const why = isDiscrunError(e) ? e.sentence(lang) : String(e);
      this.event(d.path, 'unreadable', why);
      await notifier.tell(L(lang, 'Disque illisible', 'Unreadable disc'), why);
    } finally {
      if (!keepOpen) await disc.close();
    }
  }

  status(): DaemonStatus {
    const running: RunningDisc[] = [];
    const queued: DaemonStatus['queued'] = [];
    for (const [slot, s] of this.slots) {
      if (s.running) running.push(s.running.info);
      for (const q of s.queue) queued.push({ slot, path: q.path });
    }
    return { pid: process.pid, started: this.started, sources: { mounts: this.config.mounts, mediaRoots: this.config.mediaRoots, watch: this.config.watch }, running, queued, recent: this.recent };
  }

  private writing: Promise<void> = Promise.resolve();

  private writeStatus(): Promise<void> {
    if (this.stopping) return this.writing;
    this.writing = this.writing.then(() => writeFileAtomic(statusFile(this.deps.dirs), JSON.stringify(this.status(), null, 2) + '\n', { overwrite: true }).catch(() => {}));
    return this.writing;
  }

  /** Clean shutdown: stop watching, stop every program (saves kept), wait for them. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.sources?.close();
    const running = [...this.slots.values()].flatMap((s) => (s.running ? [s.running] : []));
    for (const r of running) r.ac.abort('signal');
    await Promise.race([Promise.all(running.map((r) => r.done)), new Promise((r) => setTimeout(r, 20_000))]);
    await Promise.race([Promise.all(this.pending), new Promise((r) => setTimeout(r, 5_000))]);
    await this.writing;
    await rm(statusFile(this.deps.dirs), { force: true });
    this.deps.log.info('daemon stopped');
  }
}
