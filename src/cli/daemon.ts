import { resolve } from 'node:path';
import { Daemon, acquireDaemonLock } from '../daemon/daemon.js';
import { loadDaemonConfig, configPath } from '../daemon/config.js';
import { desktopNotifier } from '../daemon/notify.js';
import { initLogger } from '../log.js';
import { dirs } from '../xdg.js';
import { parse, type Command } from './command.js';
import { lang } from './output.js';

const usage = 'discrun daemon [--media-root DIR]… [--watch DIR]… [--no-mounts] [--settle S] [--config FILE]';

export const daemon: Command = {
  name: 'daemon',
  summary: { fr: 'surveille le lecteur et les dossiers : un disque inséré démarre', en: 'watch the drive and folders: an inserted disc starts' },
  usage,
  async run(args) {
    const { values } = parse(
      args,
      {
        'media-root': { type: 'string', multiple: true },
        watch: { type: 'string', multiple: true },
        'no-mounts': { type: 'boolean' },
        mounts: { type: 'boolean' },
        settle: { type: 'string' },
        config: { type: 'string' },
      },
      usage,
    );
    // Structured logs on stdout: journald keeps them when run as a systemd user service.
    const log = initLogger({ to: 'stdout', name: 'discrun-daemon' });
    const config = await loadDaemonConfig(values.config ? resolve(values.config) : configPath());
    if (values['media-root']) config.mediaRoots.push(...values['media-root'].map((p) => resolve(p)));
    if (values.watch) config.watch.push(...values.watch.map((p) => resolve(p)));
    if (values['no-mounts']) config.mounts = false;
    if (values.mounts) config.mounts = true;
    if (values.settle !== undefined) config.settleSeconds = Number(values.settle);
    const d = dirs();
    const release = await acquireDaemonLock(d);
    const notifier = desktopNotifier(log, config.notifications);
    const dm = new Daemon(config, { log, notifier, dirs: d, lang: lang() });
    await dm.start();
    // Listeners stay registered (on, not once): execa's exit hook re-raises a signal that nobody
    // else listens to, which would kill the daemon before it has stopped its programs.
    await new Promise<void>((resolveStop) => {
      const stop = () => resolveStop();
      for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(s, stop);
    });
    await dm.stop();
    await release();
    return 0;
  },
};
