import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipeline } from 'node:stream/promises';
import { DiscrunError } from '../errors.js';
import { acquireRunLock, stateDir } from '../launch/state.js';
import { findExecutable } from '../util/which.js';
import type { RuffleServerConfig } from './ruffle-server.js';
import type { LaunchContext, LaunchPlan, Runner } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The package root (holding dist/ and node_modules/), visible read-only in the sandbox. */
const PACKAGE_ROOT = resolve(here, '..', '..');

export function ruffleWebDir(): string {
  return join(PACKAGE_ROOT, 'node_modules', '@ruffle-rs', 'ruffle');
}

async function browser(): Promise<string | null> {
  for (const b of ['chromium', 'chromium-browser', 'google-chrome']) {
    const p = await findExecutable(b);
    if (p) return p;
  }
  return null;
}

/**
 * Flash through Ruffle: the desktop player when installed, otherwise Ruffle's web build served on
 * the sandbox's own loopback and shown in a browser app window. A projector's SWF is cut out of
 * the .exe (Ruffle cannot open projectors).
 */
export const ruffleRunner: Runner = {
  id: 'ruffle',

  async available() {
    const desktop = await findExecutable('ruffle');
    if (desktop) return { ok: true, version: 'desktop' };
    const b = await browser();
    const web = await import('node:fs').then((fs) => fs.existsSync(join(ruffleWebDir(), 'ruffle.js')));
    if (!b) return { ok: false, version: null, reason: 'no Ruffle desktop player and no Chromium for the web build' };
    if (!web) return { ok: false, version: null, reason: 'the @ruffle-rs/ruffle web build is missing (npm ci)' };
    const pkg = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(join(ruffleWebDir(), 'package.json'), 'utf8'))) as { version?: string };
    return { ok: true, version: `web ${pkg.version ?? '?'}` };
  },

  async plan(ctx: LaunchContext): Promise<LaunchPlan> {
    const insp = ctx.inspection;
    const opts = ctx.profile?.profile.ruffle;
    const flash = insp.media.flash;
    // ActionScript 3 with a projector at hand: the profile may prefer the original in Wine.
    if (flash?.as3 && opts?.preferWine && flash.container?.kind === 'projector') {
      const { getRunner } = await import('./index.js');
      const plan = await getRunner('wine')!.plan(ctx);
      return { ...plan, fallbackFrom: { runner: 'ruffle', reason: 'ActionScript 3: the profile prefers the original projector in Wine' } };
    }
    const root = await ctx.view.hostRoot();
    let swfFile: string | null = null;
    let startPage: string | null = null;
    let width = flash?.width ?? 800;
    let height = flash?.height ?? 600;
    if (opts?.swf) {
      const e = await ctx.disc.stat(opts.swf);
      if (!e) throw new DiscrunError('not-found', { path: opts.swf });
      swfFile = join(root, e.path);
    } else if (flash?.container?.kind === 'projector') {
      // Cut the SWF out of the projector into the run directory (the disc stays untouched).
      swfFile = join(ctx.runDir, 'movie.swf');
      const src = join(root, flash.path);
      await pipeline(createReadStream(src, { start: flash.offset, end: flash.offset + flash.length - 1 }), createWriteStream(swfFile));
    } else if (flash?.container?.kind === 'html' || (!flash && insp.media.startPage)) {
      startPage = flash?.container?.path ?? insp.media.startPage;
      width = Math.max(width, 1024);
      height = Math.max(height, 768);
    } else if (flash) {
      swfFile = join(root, flash.path);
    } else if (insp.media.startPage) {
      startPage = insp.media.startPage;
    } else {
      throw new DiscrunError('cannot-run', { fr: 'Aucune animation Flash ni page web à ouvrir sur ce disque.', en: 'No Flash movie or web page to open on this disc.' });
    }
    const desktop = await findExecutable('ruffle');
    const home = join(ctx.runDir, 'home');
    await mkdir(home, { recursive: true });
    const common = {
      stateDir: ctx.runDir,
      runnerVersion: (await this.available()).version,
    };
    if (desktop && swfFile) {
      return {
        ...common,
        runner: 'ruffle',
        argv: [desktop, '--scale', opts?.scale ?? 'show-all', '--quality', opts?.quality ?? 'high', '--no-gui', swfFile],
        policy: { readOnly: [root], readWrite: [ctx.runDir], display: ctx.display, sound: true, env: { HOME: home }, cwd: ctx.runDir },
        description: `ruffle ${swfFile}`,
      };
    }
    const chromium = await browser();
    if (!chromium) throw new DiscrunError('tool-missing', { tool: 'chromium' });
    // The browser profile keeps the movie's saves (SharedObjects live in its local storage).
    const id = ctx.throwaway ? null : insp.fingerprint.id;
    const state = id ? stateDir(ctx.dirs, 'ruffle', id) : join(ctx.runDir, 'state');
    await mkdir(state, { recursive: true });
    const release = await acquireRunLock(state);
    await writeFile(join(state, 'discrun-state.json'), JSON.stringify({ fingerprint: insp.fingerprint.id, title: insp.title, label: insp.volume.label, lastUsed: new Date().toISOString() }, null, 2));
    // Room for the window decorations of a desktop; the movie scales to fit (showAll).
    const cfg: RuffleServerConfig = {
      root: startPage ? root : null,
      startPage,
      swf: swfFile,
      ruffleDir: ruffleWebDir(),
      chromium,
      profileDir: join(state, 'browser'),
      width: Math.min(Math.max(width, 320), 1600),
      height: Math.min(Math.max(height, 240), 1200),
      scale: opts?.scale ?? 'showAll',
      quality: opts?.quality ?? 'high',
      title: insp.title ?? insp.volume.label ?? 'discrun',
      flags: ctx.display?.owned ? ['--disable-gpu'] : [],
    };
    const cfgPath = join(ctx.runDir, 'ruffle.json');
    await writeFile(cfgPath, JSON.stringify(cfg, null, 2));
    return {
      ...common,
      stateDir: state,
      runner: 'ruffle',
      argv: [process.execPath, join(here, 'ruffle-server.js'), cfgPath],
      async after() {
        await release();
      },
      policy: {
        readOnly: [root, PACKAGE_ROOT, process.execPath],
        readWrite: [ctx.runDir, state],
        display: ctx.display,
        sound: true,
        env: { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache') },
        cwd: ctx.runDir,
      },
      description: `ruffle (web) ${startPage ?? flash?.path ?? ''}`,
    };
  },
};
