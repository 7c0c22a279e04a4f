import type { Disc } from '../disc/index.js';
import type { Inspection, RunnerId } from '../fingerprint/types.js';
import type { Lang } from '../i18n.js';
import type { Logger } from '../log.js';
import type { LoadedProfile } from '../profiles/load.js';
import type { SandboxPolicy } from '../sandbox/policy.js';
import type { Display } from '../supervise/display.js';
import type { Dirs } from '../xdg.js';
import type { DiscView } from '../launch/disc-view.js';

export type EngineRunnerId = Exclude<RunnerId, 'none'>;

/** Everything a runner may look at to turn a disc into a command. */
export interface LaunchContext {
  disc: Disc;
  inspection: Inspection;
  profile: LoadedProfile | null;
  view: DiscView;
  dirs: Dirs;
  /** A fresh directory for this run (scripts, configs, temporary files). */
  runDir: string;
  display: Display | null;
  log: Logger;
  lang: Lang;
  /** Use a throwaway prefix / save directory (smoke tests). */
  throwaway: boolean;
  /** Work to do once the run is over and reported (e.g. preparing the next spare prefix). */
  onFinish?: (fn: () => void) => void;
}

/** How a run is judged once the process has ended. */
export type SuccessCheck = (exitCode: number | null) => Promise<{ ok: boolean; detail?: string }>;

export interface LaunchPlan {
  runner: EngineRunnerId;
  /** The command, run inside the sandbox. */
  argv: string[];
  policy: SandboxPolicy;
  /** Where saves live for this disc (prefix, C: directory…), kept between runs. */
  stateDir: string;
  /** DOSBox exits 0 whatever happened: runners can say what success means. */
  success?: SuccessCheck;
  /** Run after the process tree is gone (e.g. mark an installation as done). */
  after?: (exitCode: number | null) => Promise<void>;
  /** One line for the log: what is being started. */
  description: string;
  runnerVersion: string | null;
  /** Set when a runner handed over to another one (ScummVM → Wine), with the reason. */
  fallbackFrom?: { runner: EngineRunnerId; reason: string };
}

export interface Availability {
  ok: boolean;
  version: string | null;
  reason?: string;
}

/** One module per engine, the same interface for all (after Lutris's runners). */
export interface Runner {
  readonly id: EngineRunnerId;
  available(): Promise<Availability>;
  plan(ctx: LaunchContext): Promise<LaunchPlan>;
}
