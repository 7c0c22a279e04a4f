import { readFile, rm, writeFile } from 'node:fs/promises';

/**
 * A lock file holding its owner's pid. A lock whose owner is gone (a killed process) is taken
 * over; a live owner makes `onBusy` throw. Returns the release function.
 */
export async function pidLock(lock: string, onBusy: (pid: number) => Error): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' });
      return async () => {
        await rm(lock, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(await readFile(lock, 'utf8').catch(() => '0'));
      let alive = false;
      try {
        if (pid > 0 && pid !== process.pid) process.kill(pid, 0);
        alive = pid > 0 && pid !== process.pid;
      } catch {
        alive = false;
      }
      if (alive) throw onBusy(pid);
      await rm(lock, { force: true });
    }
  }
  throw onBusy(0);
}
