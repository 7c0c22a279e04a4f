import type { DiscEntry } from '../disc/index.js';

/**
 * Copy-protection schemes recognised from their files. Wine cannot load the kernel drivers that
 * SafeDisc, SecuROM and StarForce need, so these are warnings, not guesses to hide.
 */
const RULES: Array<{ id: string; test: (base: string, path: string) => boolean }> = [
  { id: 'safedisc', test: (b) => ['00000001.tmp', 'clcd16.dll', 'clcd32.dll', 'clokspl.exe', 'dplayerx.dll', 'secdrv.sys', 'drvmgt.dll'].includes(b) || b.endsWith('.icd') },
  { id: 'securom', test: (b) => ['cms16.dll', 'cms_95.dll', 'cms32_95.dll', 'cms_nt.dll', 'cms32_nt.dll'].includes(b) || b.endsWith('.cms') },
  { id: 'laserlock', test: (b, p) => /(^|\/)laserlok(\/|$)/.test(p) || b === 'laserlok.in' || b === 'laserlok.o10' || b === 'laserlok.011' },
  { id: 'starforce', test: (b) => b === 'protect.dll' || b === 'protect.exe' || b === 'protect.x64' },
  { id: 'tages', test: (b) => b === 'tagesclient.exe' || b === 'tagessetup.exe' || b === 'atkdrv.sys' },
  { id: 'cdcops', test: (b) => b.endsWith('.gz_') && b.startsWith('cdcops') },
];

export function detectProtection(entries: readonly DiscEntry[]): { ids: string[]; evidence: string[] } {
  const ids = new Set<string>();
  const evidence: string[] = [];
  for (const e of entries) {
    const p = e.path.toLowerCase();
    const b = p.split('/').pop()!;
    for (const r of RULES) {
      if (r.test(b, p)) {
        if (!ids.has(r.id)) evidence.push(`${r.id}: ${e.path}`);
        ids.add(r.id);
      }
    }
  }
  return { ids: [...ids].sort(), evidence };
}
