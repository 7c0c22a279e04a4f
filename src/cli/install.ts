import { execa } from 'execa';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiscrunError } from '../errors.js';
import { findExecutable } from '../util/which.js';
import { parse, type Command } from './command.js';
import { say, t } from './output.js';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), 'bin.js');

function places() {
  const home = process.env.HOME || homedir();
  const config = process.env.XDG_CONFIG_HOME || join(home, '.config');
  const data = process.env.XDG_DATA_HOME || join(home, '.local', 'share');
  return {
    unit: join(config, 'systemd', 'user', 'discrun.service'),
    autostart: join(config, 'autostart', 'discrun-daemon.desktop'),
    opener: join(data, 'applications', 'discrun-open.desktop'),
    applications: join(data, 'applications'),
  };
}

const q = (s: string) => (/[\s"'\\$]/.test(s) ? `"${s.replace(/(["\\$`])/g, '\\$1')}"` : s);

async function systemdUser(): Promise<boolean> {
  const sc = await findExecutable('systemctl');
  if (!sc) return false;
  const r = await execa(sc, ['--user', 'show-environment'], { reject: false, timeout: 5000 });
  return r.exitCode === 0;
}

export const install: Command = {
  name: 'install',
  summary: { fr: 'installe le démon pour l’utilisateur (systemd ou démarrage automatique) et « Ouvrir avec discrun »', en: 'install the daemon for the user (systemd or autostart) and "Open with discrun"' },
  usage: 'discrun install --user',
  async run(args) {
    const { values } = parse(args, { user: { type: 'boolean' } }, 'discrun install --user');
    if (!values.user) throw new DiscrunError('usage', { what: 'Usage: discrun install --user (system-wide installation is left to packages)' });
    const p = places();
    const exec = `${q(process.execPath)} ${q(BIN)}`;
    await mkdir(dirname(p.unit), { recursive: true });
    await writeFile(p.unit, `[Unit]\nDescription=discrun: insert a disc and it starts\nAfter=graphical-session.target\nPartOf=graphical-session.target\n\n[Service]\nExecStart=${exec} daemon\nRestart=on-failure\nRestartSec=5\n\n[Install]\nWantedBy=graphical-session.target default.target\n`);
    await mkdir(dirname(p.opener), { recursive: true });
    await writeFile(p.opener, `[Desktop Entry]\nType=Application\nName=discrun\nName[fr]=discrun\nComment=Run an educational CD-ROM image\nComment[fr]=Lancer l’image d’un CD-ROM éducatif\nExec=${exec} launch %f\nIcon=media-optical\nMimeType=application/x-cd-image;application/x-iso9660-image;application/x-cue;\nNoDisplay=true\nTerminal=false\nCategories=Education;\n`);
    let how: string;
    if (await systemdUser()) {
      await execa('systemctl', ['--user', 'daemon-reload'], { reject: false });
      const r = await execa('systemctl', ['--user', 'enable', '--now', 'discrun.service'], { reject: false });
      how = r.exitCode === 0 ? 'systemd' : 'systemd (enable failed: ' + String(r.stderr).trim() + ')';
    } else {
      // No systemd user session (or not here): the desktop's autostart starts the daemon at login.
      await mkdir(dirname(p.autostart), { recursive: true });
      await writeFile(p.autostart, `[Desktop Entry]\nType=Application\nName=discrun daemon\nExec=${exec} daemon\nX-GNOME-Autostart-enabled=true\nNoDisplay=true\nTerminal=false\n`);
      how = 'autostart';
    }
    const xdgMime = await findExecutable('xdg-mime');
    if (xdgMime) await execa(xdgMime, ['default', 'discrun-open.desktop', 'application/x-cd-image'], { reject: false, env: { ...process.env, XDG_UTILS_DEBUG_LEVEL: '0' } });
    const udd = await findExecutable('update-desktop-database');
    if (udd) await execa(udd, [p.applications], { reject: false });
    say(t(`Installé (${how}) : ${p.unit}${how === 'autostart' ? `, ${p.autostart}` : ''}, ${p.opener}.`, `Installed (${how}): ${p.unit}${how === 'autostart' ? `, ${p.autostart}` : ''}, ${p.opener}.`));
    return 0;
  },
};

export const uninstall: Command = {
  name: 'uninstall',
  summary: { fr: 'retire ce que install --user a mis en place', en: 'remove what install --user set up' },
  usage: 'discrun uninstall --user',
  async run(args) {
    const { values } = parse(args, { user: { type: 'boolean' } }, 'discrun uninstall --user');
    if (!values.user) throw new DiscrunError('usage', { what: 'Usage: discrun uninstall --user' });
    const p = places();
    if (await systemdUser()) await execa('systemctl', ['--user', 'disable', '--now', 'discrun.service'], { reject: false });
    for (const f of [p.unit, p.autostart, p.opener]) await rm(f, { force: true });
    if (await systemdUser()) await execa('systemctl', ['--user', 'daemon-reload'], { reject: false });
    say(t('Désinstallé.', 'Uninstalled.'));
    return 0;
  },
};
