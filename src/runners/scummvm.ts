import { execa } from 'execa';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DiscrunError } from '../errors.js';
import { acquireRunLock, stateDir } from '../launch/state.js';
import { pulseSocket } from '../sandbox/policy.js';
import { findExecutable } from '../util/which.js';
import type { EngineRunnerId, LaunchContext, LaunchPlan, Runner } from './types.js';

export interface ScummvmDetection {
  /** `engine:gameid` targets ScummVM listed for the folder. */
  targets: Array<{ id: string; description: string }>;
  /** ScummVM only guessed (a fallback detector or an unknown variant): it does not know this disc. */
  unknownVariant: boolean;
  output: string;
}

/** Parses `scummvm --detect` output: a table of targets, and an unknown-variant report when it only guessed. */
export function parseDetect(output: string): ScummvmDetection {
  const lines = output.split('\n');
  const start = lines.findIndex((l) => /^-{10,}\s+-{10,}/.test(l));
  const targets: ScummvmDetection['targets'] = [];
  if (start >= 0) {
    for (const l of lines.slice(start + 1)) {
      const m = /^(\S+:\S+|\S+)\s{2,}(.+?)\s{2,}\S/.exec(l);
      if (m) targets.push({ id: m[1]!, description: m[2]!.trim() });
    }
  }
  const unknownVariant = /-fallback|unknown variant|\bunknown\/|^\s*\{".*",\s*\d+,\s*"/im.test(output);
  return { targets, unknownVariant, output };
}

export async function scummvmDetect(bin: string, folder: string, home: string): Promise<ScummvmDetection> {
  const r = await execa(bin, ['--detect', `--path=${folder}`], {
    reject: false,
    timeout: 60_000,
    env: { HOME: home, XDG_RUNTIME_DIR: home, SDL_VIDEODRIVER: 'dummy', SDL_AUDIODRIVER: 'dummy', PATH: process.env.PATH ?? '' },
    extendEnv: false,
  });
  return parseDetect(`${String(r.stdout)}\n${String(r.stderr)}`);
}

/**
 * ScummVM for the discs it supports (Coktel Vision's gob engine, Director titles in its tables).
 * ScummVM's own detection decides; a disc it does not know (or only guesses) goes to the family's
 * next runner, and the plan says so.
 */
export const scummvmRunner: Runner = {
  id: 'scummvm',

  async available() {
    const bin = await findExecutable('scummvm');
    if (!bin) return { ok: false, version: null, reason: 'scummvm is not installed' };
    const r = await execa(bin, ['--version'], { reject: false, timeout: 10_000, env: { HOME: '/tmp', XDG_RUNTIME_DIR: '/tmp' } });
    return { ok: true, version: /ScummVM ([\w.-]+)/.exec(String(r.stdout))?.[1] ?? null };
  },

  async plan(ctx: LaunchContext): Promise<LaunchPlan> {
    const bin = await findExecutable('scummvm');
    if (!bin) throw new DiscrunError('tool-missing', { tool: 'scummvm' });
    const insp = ctx.inspection;
    const opts = ctx.profile?.profile.scummvm;
    const root = await ctx.view.hostRoot();
    const home = join(ctx.runDir, 'home');
    await mkdir(home, { recursive: true });
    let target = opts?.gameId ?? null;
    if (!target) {
      const det = await scummvmDetect(bin, root, home);
      ctx.log.info({ targets: det.targets, unknownVariant: det.unknownVariant }, 'scummvm detection');
      if (det.targets.length === 0 || det.unknownVariant) {
        const next: EngineRunnerId = opts?.fallback && opts.fallback !== 'none' ? opts.fallback : insp.platform === 'dos' ? 'dosbox' : 'wine';
        const guess = det.targets[0]?.description;
        const reason = guess ? `ScummVM does not know this disc (at best an unknown variant of ${guess})` : 'ScummVM does not recognise this disc';
        if (opts?.fallback === 'none') throw new DiscrunError('cannot-run', { fr: 'ScummVM ne reconnaît pas ce disque.', en: 'ScummVM does not recognise this disc.' });
        const { getRunner } = await import('./index.js');
        const runner = getRunner(next);
        if (!runner) throw new DiscrunError('tool-missing', { tool: next });
        const plan = await runner.plan(ctx);
        return { ...plan, fallbackFrom: { runner: 'scummvm', reason } };
      }
      target = det.targets[0]!.id;
    }
    const id = ctx.throwaway ? `throwaway-${process.pid}-${Date.now()}` : insp.fingerprint.id;
    const state = stateDir(ctx.dirs, 'scummvm', id);
    await mkdir(join(state, 'saves'), { recursive: true });
    const release = await acquireRunLock(state);
    await writeFile(join(state, 'discrun-state.json'), JSON.stringify({ fingerprint: insp.fingerprint.id, title: insp.title, label: insp.volume.label, lastUsed: new Date().toISOString() }, null, 2));
    const gameId = target.includes(':') ? target.split(':')[1]! : target;
    return {
      runner: 'scummvm',
      argv: [bin, `--config=${join(state, 'scummvm.ini')}`, `--savepath=${join(state, 'saves')}`, `--path=${root}`, '--no-fullscreen', gameId],
      policy: {
        readOnly: [root],
        readWrite: [state, ctx.runDir],
        display: ctx.display,
        sound: true,
        env: { HOME: home, XDG_RUNTIME_DIR: home, SDL_AUDIODRIVER: pulseSocket() ? 'pulseaudio' : 'dummy' },
        cwd: ctx.runDir,
      },
      stateDir: state,
      description: `scummvm ${target}`,
      runnerVersion: (await this.available()).version,
      async after() {
        await release();
      },
    };
  },
};
