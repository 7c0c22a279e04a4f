import { link, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DiscrunError } from '../errors.js';

/**
 * Writes a whole file or nothing: a temporary file beside the target, then a rename. Without
 * `overwrite`, an existing file is never replaced (the link fails instead of clobbering).
 */
export async function writeFileAtomic(path: string, data: string | Buffer, opts: { overwrite?: boolean; mode?: number } = {}): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, data, { mode: opts.mode ?? 0o644 });
    if (opts.overwrite) await rename(tmp, path);
    else {
      await link(tmp, path);
      await unlink(tmp);
    }
  } catch (e) {
    await unlink(tmp).catch(() => {});
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new DiscrunError('file-exists', { path }, { cause: e });
    throw new DiscrunError('write-failed', { path, reason: code ?? String(e) }, { cause: e });
  }
}
