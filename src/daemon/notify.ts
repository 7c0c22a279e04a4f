import { spawn } from 'node:child_process';
import type { Logger } from '../log.js';
import { findExecutable } from '../util/which.js';

export interface Notifier {
  /** A message; returns when shown. */
  tell(title: string, body: string, urgency?: 'low' | 'normal' | 'critical'): Promise<void>;
  /** A question with buttons; resolves to the chosen action id, or null (dismissed, timed out, no notification service). */
  ask(title: string, body: string, actions: Array<{ id: string; label: string }>, timeoutMs: number): Promise<string | null>;
}

/**
 * Desktop notifications through notify-send (libnotify), whose --action/--wait print the chosen
 * action on stdout. DISCRUN_NOTIFY_SEND points at another program with the same interface.
 */
export function desktopNotifier(log: Logger, enabled = true): Notifier {
  const run = async (args: string[], timeoutMs: number): Promise<string | null> => {
    const bin = enabled ? await findExecutable('notify-send') : null;
    if (!bin) {
      log.info({ args }, 'notification (no notification service)');
      return null;
    }
    return new Promise((resolve) => {
      const child = spawn(bin, ['--app-name=discrun', '--icon=media-optical', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
      child.once('error', () => resolve(null));
      child.once('exit', (code) => {
        clearTimeout(timer);
        if (code !== 0) log.warn({ code }, 'notify-send failed');
        resolve(out.trim() || null);
      });
    });
  };
  return {
    async tell(title, body, urgency = 'normal') {
      await run([`--urgency=${urgency}`, title, body], 10_000);
    },
    async ask(title, body, actions, timeoutMs) {
      const answer = await run(['--wait', ...actions.map((a) => `--action=${a.id}=${a.label}`), title, body], timeoutMs);
      return actions.some((a) => a.id === answer) ? answer : null;
    },
  };
}
