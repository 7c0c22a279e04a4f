import { createHash } from 'node:crypto';
import { execa } from 'execa';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DiscrunError } from '../errors.js';
import { acquireRunLock, stateDir } from '../launch/state.js';
import type { DosboxOptions } from '../profiles/schema.js';
import { pulseSocket } from '../sandbox/policy.js';
import { findExecutable } from '../util/which.js';
import type { LaunchContext, LaunchPlan, Runner } from './types.js';

const RC_FILE = '_DISCRUN.RC';

/** DOS 8.3 names are what DOSBox's own shell sees of a disc: quoting rules of COMMAND.COM. */
function dosPath(p: string): string {
  return p.replace(/\//g, '\\');
}

function quoteHost(p: string): string {
  if (p.includes('"')) throw new DiscrunError('cannot-run', { fr: 'Un chemin contient un guillemet : DOSBox ne peut pas l’ouvrir.', en: 'A path contains a double quote: DOSBox cannot open it.' });
  return `"${p}"`;
}

export function dosboxConfig(o: {
  options: DosboxOptions | undefined;
  cDrive: string;
  disc: { image: string | null; folder: string | null; label: string };
  program: string | null;
  args: string[];
  install: string[] | null;
}): string {
  const opt = o.options;
  const lines = [
    '# Written by discrun for one run.',
    '[sdl]',
    'fullscreen=false',
    'output=surface',
    'autolock=false',
    '[dosbox]',
    `machine=${opt?.machine ?? 'svga_s3'}`,
    `memsize=${opt?.memory ?? 16}`,
    '[cpu]',
    `cycles=${opt?.cycles ?? 'auto'}`,
    '[autoexec]',
    '@echo off',
    `mount c ${quoteHost(o.cDrive)}`,
  ];
  // An image is mounted as it is (no extraction); a folder or a mounted disc as a CD-ROM with its label.
  if (o.disc.image) lines.push(`imgmount d ${quoteHost(o.disc.image)} -t iso`);
  else lines.push(`mount d ${quoteHost(o.disc.folder!)} -t cdrom -label ${o.disc.label.replace(/[^\w-]/g, '_').slice(0, 11)}`);
  lines.push(`if exist c:\\${RC_FILE} del c:\\${RC_FILE}`);
  for (const l of opt?.autoexec ?? []) lines.push(l);
  if (o.install) {
    lines.push('d:');
    for (const l of o.install) lines.push(l);
  }
  if (o.program) {
    const full = o.program;
    const drive = full.slice(0, 2);
    const dir = full.includes('\\', 3) ? full.slice(2, full.lastIndexOf('\\')) : '\\';
    const file = full.slice(full.lastIndexOf('\\') + 1);
    lines.push(drive, `cd ${dir || '\\'}`, `if not exist ${file} goto missing`);
    lines.push(`${/\.bat$/i.test(file) ? 'call ' : ''}${file}${o.args.length ? ' ' + o.args.join(' ') : ''}`);
    lines.push('if errorlevel 1 goto failed', `echo ok> c:\\${RC_FILE}`, 'goto end', ':failed', `echo failed> c:\\${RC_FILE}`, 'goto end', ':missing', `echo missing> c:\\${RC_FILE}`, ':end');
  }
  lines.push('exit', '');
  return lines.join('\n');
}

export const dosboxRunner: Runner = {
  id: 'dosbox',

  async available() {
    const bin = await findExecutable('dosbox');
    if (!bin) return { ok: false, version: null, reason: 'dosbox is not installed' };
    const r = await execa(bin, ['-version'], { reject: false, timeout: 10_000, env: { SDL_VIDEODRIVER: 'dummy', SDL_AUDIODRIVER: 'dummy', HOME: '/nonexistent' } });
    return { ok: true, version: /version ([\w.-]+)/.exec(String(r.stdout) + String(r.stderr))?.[1] ?? null };
  },

  async plan(ctx: LaunchContext): Promise<LaunchPlan> {
    const bin = await findExecutable('dosbox');
    if (!bin) throw new DiscrunError('tool-missing', { tool: 'dosbox' });
    const insp = ctx.inspection;
    const opts = ctx.profile?.profile.dosbox;
    const entry = ctx.profile?.profile.entry ?? insp.entry;
    const id = ctx.throwaway ? `throwaway-${process.pid}-${Date.now()}` : insp.fingerprint.id;
    // C: is the disc's own writable folder: saves and installations persist there.
    const cDrive = stateDir(ctx.dirs, 'dosbox', id);
    await mkdir(cDrive, { recursive: true });
    const release = await acquireRunLock(cDrive);
    try {
      await writeFile(join(cDrive, 'discrun-state.json'), JSON.stringify({ fingerprint: insp.fingerprint.id, title: insp.title, label: insp.volume.label, lastUsed: new Date().toISOString() }, null, 2));
      const installHash = opts?.install?.length ? createHash('sha256').update(JSON.stringify(opts.install)).digest('hex').slice(0, 12) : null;
      const installMark = installHash ? join(cDrive, `.discrun-installed-${installHash}`) : null;
      const needsInstall = installMark ? !(await readFile(installMark).catch(() => null)) : false;
      const program = opts?.run ?? (entry ? `D:\\${dosPath(entry.path)}` : null);
      if (!program) throw new DiscrunError('cannot-run', { fr: 'Aucun programme DOS à lancer sur ce disque.', en: 'No DOS program to launch on this disc.' });
      // Images DOSBox cannot mount (Nero) are read through discrun's extracted copy.
      const image = ctx.view.image && !/\.nrg$/i.test(ctx.view.image) ? ctx.view.image : null;
      const folder = image ? null : await ctx.view.hostRoot();
      const conf = dosboxConfig({
        options: opts,
        cDrive,
        disc: { image, folder, label: ctx.view.label },
        program,
        args: opts?.run ? [] : entry?.args ?? [],
        install: needsInstall ? opts!.install! : null,
      });
      const confPath = join(ctx.runDir, 'dosbox.conf');
      await writeFile(confPath, conf);
      const home = join(ctx.runDir, 'home');
      await mkdir(home, { recursive: true });
      const version = (await this.available()).version;
      return {
        runner: 'dosbox',
        argv: [bin, '-conf', confPath, '-exit'],
        policy: {
          readOnly: image ? [image] : [folder!],
          readWrite: [cDrive, ctx.runDir],
          display: ctx.display,
          sound: true,
          env: { HOME: home, SDL_AUDIODRIVER: pulseSocket() ? 'pulseaudio' : 'dummy' },
          cwd: ctx.runDir,
        },
        stateDir: cDrive,
        description: `dosbox ${program}${needsInstall ? ' (after installation)' : ''}`,
        runnerVersion: version,
        // DOSBox exits 0 whatever happened inside: the batch file leaves the verdict on C:.
        async success() {
          const rc = (await readFile(join(cDrive, RC_FILE), 'latin1').catch(() => '')).trim();
          if (rc === 'ok') return { ok: true };
          return { ok: false, detail: rc === 'missing' ? `${program} not found` : rc === 'failed' ? `${program} returned an error` : 'the program did not finish' };
        },
        async after() {
          if (needsInstall && installMark) await writeFile(installMark, new Date().toISOString());
          await rm(join(cDrive, RC_FILE), { force: true });
          await release();
          if (ctx.throwaway) await rm(cDrive, { recursive: true, force: true });
        },
      };
    } catch (e) {
      await release();
      throw e;
    }
  },
};
