import type { DiscEntry } from '../disc/index.js';
import type { ExeInfo } from './exe.js';

export type InstallerType = 'installshield' | 'inno' | 'wise' | 'mssetup' | 'msi' | 'nsis' | 'generic';

const base = (p: string) => p.split('/').pop()!.toLowerCase();
const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');

/** Installer families from the files beside a setup program. */
export function installerFromNames(entries: readonly DiscEntry[]): Array<{ type: InstallerType; dir: string; evidence: string }> {
  const out: Array<{ type: InstallerType; dir: string; evidence: string }> = [];
  for (const e of entries) {
    if (e.isDir) continue;
    const b = base(e.path);
    const d = dirOf(e.path);
    if (/^data\d*\.(cab|hdr)$/.test(b) || ['_setup.dll', 'setup.ins', 'setup.inx', 'layout.bin', '_inst32i.ex_', '_isdel.exe', 'setup.lid', '_sys1.cab', '_user1.cab', 'ikernel.ex_'].includes(b)) {
      out.push({ type: 'installshield', dir: d, evidence: `InstallShield file ${e.path}` });
    } else if (b === 'setup.lst' || b === 'setup.stf') {
      out.push({ type: 'mssetup', dir: d, evidence: `Microsoft Setup file ${e.path}` });
    } else if (b.endsWith('.msi')) {
      out.push({ type: 'msi', dir: d, evidence: `Windows Installer package ${e.path}` });
    }
  }
  return out;
}

/** Installer family from a setup program's own headers. */
export function installerFromExe(info: ExeInfo, overlayHead: Buffer | null): { type: InstallerType; evidence: string } | null {
  const v = info.version ?? {};
  const text = `${v.CompanyName ?? ''} ${v.ProductName ?? ''} ${v.FileDescription ?? ''} ${v.Comments ?? ''}`;
  if (/inno setup/i.test(text)) return { type: 'inno', evidence: 'version resource names Inno Setup' };
  if (/installshield/i.test(text)) return { type: 'installshield', evidence: 'version resource names InstallShield' };
  if (/wise/i.test(text) && /install|solutions/i.test(text)) return { type: 'wise', evidence: 'version resource names Wise' };
  if (/nullsoft/i.test(text)) return { type: 'nsis', evidence: 'version resource names Nullsoft' };
  if (info.sections.some((s) => s.toUpperCase() === '.WISE')) return { type: 'wise', evidence: 'a .WISE section' };
  if (overlayHead) {
    const o = overlayHead.toString('latin1');
    if (o.startsWith('zlb\x1a') || o.startsWith('idska32\x1a') || o.startsWith('rDlPtS')) return { type: 'inno', evidence: 'Inno Setup data appended' };
    if (o.includes('NullsoftInst')) return { type: 'nsis', evidence: 'NSIS data appended' };
    if (o.startsWith('MSCF')) return { type: 'generic', evidence: 'a cabinet appended' };
  }
  return null;
}

export function looksLikeSetupName(path: string): boolean {
  return /^(setup|install|instal|installer|inst|setup32|setup16|_setup|instalar|installation)\w*\.(exe|com|bat)$/i.test(base(path));
}
