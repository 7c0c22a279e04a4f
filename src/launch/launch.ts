import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { openDisc, type Disc } from '../disc/index.js';
import { DiscrunError, isDiscrunError } from '../errors.js';
import { inspectDisc } from '../fingerprint/inspect.js';
import type { Inspection } from '../fingerprint/types.js';
import { currentLang, type Lang } from '../i18n.js';
import { log as rootLog, type Logger } from '../log.js';
import { loadCatalogue, type LoadedProfile } from '../profiles/load.js';
import { matchDisc, ProfileIndex, type MatchResult } from '../profiles/match.js';
import { getRunner } from '../runners/index.js';
import type { EngineRunnerId, LaunchPlan } from '../runners/types.js';
import { sandboxAvailable } from '../sandbox/policy.js';
import { acquireDisplay, type Display } from '../supervise/display.js';
import { supervise, type Outcome, type StopReason } from '../supervise/supervisor.js';
import { dirs as xdgDirs, type Dirs } from '../xdg.js';
import { createDiscView } from './disc-view.js';
import { discGone } from './presence.js';

export interface LaunchRequest {
  path: string;
  /** Profiles given on the command line: the first one is used whatever the match says. */
  profileFiles?: string[];
  timeoutSec?: number;
  screenshot?: string;
  noSandbox?: boolean;
  /** Run on a private Xvfb even when a display exists. */
  headless?: boolean;
  /** A prefix or save directory used once and removed (smoke tests). */
  throwaway?: boolean;
  /** Launch even a profile marked broken. */
  force?: boolean;
  signal?: AbortSignal;
  lang?: Lang;
  dirs?: Dirs;
  log?: Logger;
  /** Already-inspected disc (the daemon and scan inspect first). */
  prepared?: { disc: Disc; inspection: Inspection; match: MatchResult };
}

export interface LaunchResult {
  outcome: Outcome;
  exitCode: number | null;
  runner: EngineRunnerId | 'none';
  profile: string | null;
  prefix: string | null;
  log: string | null;
  screenshot: string | null;
  seconds: number;
  stopReason?: StopReason;
  /** One sentence for people, in the requested language. */
  message: string;
  fallback?: { from: EngineRunnerId; reason: string };
  runnerVersion?: string | null;
}

const L = (lang: Lang, fr: string, en: string) => (lang === 'fr' ? fr : en);

function refused(lang: Lang, sentence: string, runner: LaunchResult['runner'] = 'none', profile: string | null = null): LaunchResult {
  return { outcome: 'refused', exitCode: null, runner, profile, prefix: null, log: null, screenshot: null, seconds: 0, message: sentence };
}

function sentence(r: { outcome: Outcome; exitCode: number | null; seconds: number; stopReason?: StopReason }, lang: Lang, logPath: string | null): string {
  switch (r.outcome) {
    case 'ran':
      return r.stopReason === 'disc-removed'
        ? L(lang, 'Le disque a été retiré : le programme a été arrêté, ses sauvegardes sont conservées.', 'The disc was removed: the program was stopped, its saves are kept.')
        : L(lang, `Le programme a fonctionné ${Math.round(r.seconds)} s puis a été arrêté.`, `The program ran for ${Math.round(r.seconds)} s and was then stopped.`);
    case 'exited':
      return L(lang, 'Le programme s’est terminé normalement.', 'The program ended normally.');
    case 'crashed':
      return L(lang, `Le programme s’est arrêté sur une erreur (code ${r.exitCode}) ; journal : ${logPath}.`, `The program stopped with an error (code ${r.exitCode}); log: ${logPath}.`);
    default:
      return '';
  }
}

/** Runs a disc from source to supervised process: inspect, match, plan, sandbox, supervise. */
export async function launch(req: LaunchRequest): Promise<LaunchResult> {
  const lang = req.lang ?? currentLang();
  const dirs = req.dirs ?? xdgDirs();
  const log = req.log ?? rootLog();
  let disc: Disc | null = req.prepared?.disc ?? null;
  let display: Display | null = null;
  let runDir: string | null = null;
  const finishers: Array<() => void> = [];
  try {
    if (!disc) disc = await openDisc(req.path);
    const inspection = req.prepared?.inspection ?? (await inspectDisc(disc, lang));
    let profile: LoadedProfile | null;
    if (req.profileFiles?.length) {
      const cat = await loadCatalogue({ dirs: [], extra: req.profileFiles, cacheFile: null });
      const bad = cat.problems.find((p) => p.severity === 'error');
      if (bad || !cat.profiles[0]) throw new DiscrunError('profile-invalid', { path: bad?.path ?? req.profileFiles[0]!, what: bad ? `${bad.line ?? '?'}:${bad.col ?? '?'} ${bad.field ?? ''} ${bad.message}`.trim() : 'no profile' });
      profile = cat.profiles[0];
    } else {
      const match = req.prepared?.match ?? (await matchDisc(new ProfileIndex(await loadCatalogue()), inspection, disc));
      profile = match.chosen;
    }
    const profileId = profile?.profile.id ?? null;
    if (profile?.profile.status === 'broken' && !req.force) {
      return refused(lang, L(lang, `Ce disque est connu pour ne pas fonctionner (profil ${profileId}).`, `This disc is known not to work (profile ${profileId}).`), profile.profile.runner, profileId);
    }
    let runnerId: EngineRunnerId | 'none' = profile?.profile.runner ?? inspection.runner;
    if (runnerId === 'none') {
      const why = inspection.risks.find((r) => ['mac-only', 'dvd-video', 'no-entry'].includes(r.id));
      return refused(lang, why?.message ?? L(lang, 'Ce disque ne contient rien que discrun sache lancer.', 'This disc holds nothing discrun knows how to launch.'));
    }
    const sandbox = !req.noSandbox;
    if (sandbox) {
      const sb = await sandboxAvailable();
      if (!sb.ok) return refused(lang, new DiscrunError('no-sandbox').sentence(lang), runnerId, profileId);
    } else log.warn('launching without a sandbox (--no-sandbox): the program can reach the network and the user’s files');

    display = await acquireDisplay({ headless: req.headless ?? false });
    await mkdir(dirs.runtime, { recursive: true, mode: 0o700 });
    runDir = await mkdtemp(join(dirs.runtime, 'run-'));
    const logsDir = join(dirs.state, 'logs');
    await mkdir(logsDir, { recursive: true });
    const view = createDiscView(disc, inspection, dirs, log);

    const runner = getRunner(runnerId);
    if (!runner) return refused(lang, L(lang, `Le moteur ${runnerId} n’est pas disponible.`, `The ${runnerId} engine is not available.`), runnerId, profileId);
    const avail = await runner.available();
    if (!avail.ok) throw new DiscrunError('tool-missing', { tool: `${runnerId} (${avail.reason ?? 'missing'})` });
    // A runner may hand over to another one (ScummVM → Wine) and says so in the plan.
    let plan: LaunchPlan = await runner.plan({ disc, inspection, profile, view, dirs, runDir, display, log, lang, throwaway: req.throwaway ?? false, onFinish: (fn) => finishers.push(fn) });
    let fallback: LaunchResult['fallback'] = plan.fallbackFrom ? { from: plan.fallbackFrom.runner, reason: plan.fallbackFrom.reason } : undefined;
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    let logFile = join(logsDir, `${stamp}-${inspection.fingerprint.id}-${plan.runner}.log`);
    const superviseOpts = {
      sandbox,
      ...(req.timeoutSec !== undefined ? { timeoutSec: req.timeoutSec } : {}),
      ...(req.screenshot ? { screenshotPath: req.screenshot } : {}),
      display,
      logFile,
      discGone: discGone(disc),
      ...(req.signal ? { signal: req.signal } : {}),
      log,
    };
    let res = await supervise(plan, superviseOpts);
    // Ruffle that fails early (a panic, a crash) hands over to Wine with the original projector.
    if (plan.runner === 'ruffle' && res.outcome === 'crashed' && res.seconds < 20 && inspection.media.flash?.container?.kind === 'projector' && !req.signal?.aborted) {
      log.warn({ log: logFile }, 'ruffle failed early: falling back to wine with the projector');
      const wineDir = await mkdtemp(join(runDir, 'wine-'));
      plan = await getRunner('wine')!.plan({ disc, inspection, profile, view, dirs, runDir: wineDir, display, log, lang, throwaway: req.throwaway ?? false, onFinish: (fn) => finishers.push(fn) });
      fallback = { from: 'ruffle', reason: `Ruffle failed after ${Math.round(res.seconds)} s` };
      logFile = join(logsDir, `${stamp}-${inspection.fingerprint.id}-wine.log`);
      res = await supervise(plan, { ...superviseOpts, logFile });
    }
    runnerId = plan.runner;
    log.info({ outcome: res.outcome, exitCode: res.exitCode, seconds: res.seconds, runner: runnerId, profile: profileId }, 'finished');
    return {
      outcome: res.outcome,
      exitCode: res.exitCode,
      runner: runnerId,
      profile: profileId,
      prefix: req.throwaway ? null : plan.stateDir,
      log: logFile,
      screenshot: res.screenshot,
      seconds: Math.round(res.seconds * 100) / 100,
      stopReason: res.stopReason,
      message: (fallback ? `${fallback.from} → ${runnerId} (${fallback.reason}). ` : '') + sentence(res, lang, logFile),
      runnerVersion: plan.runnerVersion,
      ...(fallback ? { fallback } : {}),
    };
  } catch (e) {
    if (isDiscrunError(e) && (e.code === 'cannot-run' || e.code === 'already-running')) return refused(lang, e.sentence(lang));
    throw e;
  } finally {
    await display?.close().catch(() => {});
    if (runDir) await rm(runDir, { recursive: true, force: true }).catch(() => {});
    if (disc && !req.prepared) await disc.close();
    for (const fn of finishers) {
      try {
        fn();
      } catch (e) {
        log.warn({ err: e }, 'after-run task failed');
      }
    }
  }
}
