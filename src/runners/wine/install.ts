import { execa } from 'execa';
import { access, constants } from 'node:fs/promises';
import { findExecutable } from '../../util/which.js';

/** The Wine found on this machine, and whether it can run 32-bit Windows code here. */
export interface WineInstall {
  version: string;
  /** Loader for win32 prefixes (an i386 ELF); null when absent. */
  loader32: string | null;
  /** Loader for win64 prefixes. */
  loader64: string | null;
  server: string;
  /**
   * Whether this kernel executes i386 programs. Some virtual machines run 64-bit user code only
   * ("IA-32 emulation off"): there, no 32-bit (or 16-bit) Windows program can run under Wine.
   */
  can32: boolean;
}

async function executable(p: string): Promise<boolean> {
  try {
    await access(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

let cached: Promise<WineInstall | null> | null = null;

export function detectWine(): Promise<WineInstall | null> {
  cached ??= (async () => {
    // Debian keeps both loaders in /usr/lib/wine; WineHQ builds put wine/wine64 on PATH.
    const l32 = (await executable('/usr/lib/wine/wine')) ? '/usr/lib/wine/wine' : null;
    const l64 = (await executable('/usr/lib/wine/wine64')) ? '/usr/lib/wine/wine64' : await findExecutable('wine64');
    const server = (await executable('/usr/lib/wine/wineserver')) ? '/usr/lib/wine/wineserver' : await findExecutable('wineserver');
    const generic = l32 ?? (await findExecutable('wine'));
    if (!server || (!generic && !l64)) return null;
    let can32 = false;
    let version = '';
    if (generic) {
      const r = await execa(generic, ['--version'], { reject: false, timeout: 20_000 });
      can32 = r.exitCode === 0 && !/Exec format error|ENOEXEC/i.test(String(r.stderr));
      if (can32) version = String(r.stdout).trim();
    }
    if (!version && l64) version = String((await execa(l64, ['--version'], { reject: false, timeout: 20_000 })).stdout).trim();
    return { version: version.replace(/^wine-/, '') || 'unknown', loader32: can32 ? generic : null, loader64: l64, server, can32 };
  })();
  return cached;
}

export function wineLoader(w: WineInstall, arch: 'win32' | 'win64'): string | null {
  return arch === 'win32' ? w.loader32 : w.loader64;
}
