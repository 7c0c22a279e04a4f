import { readFile } from 'node:fs/promises';

export interface MountEntry {
  mountPoint: string;
  fsType: string;
  source: string;
  options: string[];
}

const OPTICAL_FS = new Set(['iso9660', 'udf', 'hfs', 'hfsplus', 'fuse.fuseiso', 'fuseiso']);

/** `\040`-style escapes used by the kernel in mount tables. */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export function parseMountInfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const parts = line.split(' ');
    const dash = parts.indexOf('-');
    if (dash < 6 || parts.length < dash + 3) continue;
    out.push({
      mountPoint: unescapeMount(parts[4]!),
      options: (parts[5] ?? '').split(','),
      fsType: parts[dash + 1]!,
      source: unescapeMount(parts[dash + 2]!),
    });
  }
  return out;
}

/** DISCRUN_MOUNTINFO replaces the kernel's table (tests, or a machine without an optical drive). */
export async function readMounts(file = process.env.DISCRUN_MOUNTINFO || '/proc/self/mountinfo'): Promise<MountEntry[]> {
  try {
    return parseMountInfo(await readFile(file, 'utf8'));
  } catch {
    return [];
  }
}

export function isOpticalMount(m: MountEntry): boolean {
  return OPTICAL_FS.has(m.fsType) || /^\/dev\/(sr|scd|cdrom|dvd)/.test(m.source);
}

/** The mount whose mount point is exactly `dir`, if any. */
export async function mountAt(dir: string, file?: string): Promise<MountEntry | null> {
  const mounts = await readMounts(file);
  for (let i = mounts.length - 1; i >= 0; i--) if (mounts[i]!.mountPoint === dir) return mounts[i]!;
  return null;
}
