import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Programs built at test time are cached by their inputs, so parallel test files share them. */
const CACHE = join(tmpdir(), 'discrun-fixture-cache');

function cached(key: unknown, ext: string, build: (out: string, work: string) => void): string {
  const hash = createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 16);
  const out = join(CACHE, `${hash}${ext}`);
  if (existsSync(out)) return out;
  const work = join(CACHE, `work-${hash}-${process.pid}`);
  mkdirSync(work, { recursive: true });
  const tmp = join(work, `out${ext}`);
  build(tmp, work);
  renameSync(tmp, out);
  return out;
}

export interface VersionResource {
  CompanyName?: string;
  ProductName?: string;
  FileDescription?: string;
  LegalCopyright?: string;
  FileVersion?: string;
  Comments?: string;
}

function rcFor(v: VersionResource): Buffer {
  const values = Object.entries(v)
    .map(([k, val]) => `   VALUE "${k}", "${val}"\n`)
    .join('');
  const text = `1 VERSIONINFO\nFILEVERSION 1,0,0,0\nPRODUCTVERSION 1,0,0,0\nBEGIN\n BLOCK "StringFileInfo"\n BEGIN\n  BLOCK "040C04E4"\n  BEGIN\n${values}  END\n END\n BLOCK "VarFileInfo"\n BEGIN\n  VALUE "Translation", 0x40C, 1252\n END\nEND\n`;
  return Buffer.from(text, 'latin1'); // windres -c 1252 reads Windows-1252, as the resource compilers of the era did
}

export interface PeOptions {
  gui?: boolean;
  version?: VersionResource;
  /** Extra sources or DLLs to link (paths). */
  link?: string[];
  cflags?: string[];
  shared?: boolean;
  /** i686 (32-bit, the era's programs) by default; x86_64 where 32-bit code cannot run. */
  arch?: 'i686' | 'x86_64';
  libs?: string[];
  /** Import libraries made from a .def, for linking against DLLs that only exist on a real disc. */
  imports?: Array<{ dll: string; symbols: string[] }>;
}

/** A 32-bit Windows program built with mingw-w64 (i686), statically linked. */
export function mingwPe(source: string, opts: PeOptions = {}): string {
  return cached({ source, opts, v: 3 }, opts.shared ? '.dll' : '.exe', (out, work) => {
    const src = join(work, 'prog.c');
    writeFileSync(src, source);
    const args = ['-O2', '-s', '-o', out, src, ...(opts.cflags ?? [])];
    if (!opts.shared) args.push('-static');
    if (opts.shared) args.push('-shared');
    if (opts.gui) args.push('-mwindows');
    if (opts.version) {
      const rc = join(work, 'v.rc');
      writeFileSync(rc, rcFor(opts.version));
      execFileSync(`${opts.arch ?? 'i686'}-w64-mingw32-windres`, ['-c', '1252', rc, '-O', 'coff', '-o', join(work, 'v.res')]);
      args.push(join(work, 'v.res'));
    }
    for (const [i, imp] of (opts.imports ?? []).entries()) {
      const def = join(work, `imp${i}.def`);
      writeFileSync(def, `LIBRARY ${imp.dll}\nEXPORTS\n${imp.symbols.join('\n')}\n`);
      execFileSync(`${opts.arch ?? 'i686'}-w64-mingw32-dlltool`, ['-d', def, '-l', join(work, `libimp${i}.a`)]);
      args.push(join(work, `libimp${i}.a`));
    }
    args.push(...(opts.link ?? []), ...(opts.libs ?? []).map((l) => `-l${l}`));
    execFileSync(`${opts.arch ?? 'i686'}-w64-mingw32-gcc`, args, { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
  });
}

/** A DOS .COM program assembled with nasm. */
export function nasmCom(asm: string, defines: string[] = []): string {
  return cached({ asm, defines, v: 1 }, '.com', (out, work) => {
    const src = join(work, 'prog.asm');
    writeFileSync(src, asm);
    execFileSync('nasm', ['-f', 'bin', ...defines.map((d) => `-D${d}`), '-o', out, src]);
  });
}

/** The DOS probe (test/fixtures/dosprobe.asm); `wait` builds the variant that waits for a key. */
export function dosProbe(wait = false): string {
  return nasmCom(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'dosprobe.asm'), 'utf8'), wait ? ['WAIT'] : []);
}

/** The probe: a Windows program that reports what it sees (test/fixtures/probe.c). */
export function probe(arch: 'i686' | 'x86_64' = 'x86_64'): string {
  return mingwPe(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'probe.c'), 'utf8'), { arch, libs: ['ws2_32', 'gdi32'] });
}

export const MINIMAL_GUI = '#include <windows.h>\nint WINAPI WinMain(HINSTANCE a, HINSTANCE b, LPSTR c, int d) { return 0; }\n';
export const MINIMAL_CONSOLE = 'int main(void) { return 0; }\n';

/** A Flash projector: a player program with a SWF appended and the `56 34 12 FA` + length trailer. */
export function flashProjector(player: string, swf: Buffer): Buffer {
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(0xfa123456, 0);
  trailer.writeUInt32LE(swf.length, 4);
  return Buffer.concat([readFileSync(player), swf, trailer]);
}

/** A program with data appended after its last section (as Clickteam, Inno and Authorware do). */
export function withOverlay(program: string, overlay: Buffer): Buffer {
  return Buffer.concat([readFileSync(program), overlay]);
}

/** A DOS/4GW-style program: an MZ stub naming the extender, and an LE header behind e_lfanew. */
export function leExecutable(): Buffer {
  const b = Buffer.alloc(2048);
  b.write('MZ', 0, 'latin1');
  b.writeUInt16LE(0x40, 0x18);
  b.writeUInt32LE(0x200, 0x3c);
  b.write('DOS/4G  requires a 386 or better', 0x80, 'latin1');
  b.write('LE', 0x200, 'latin1');
  return b;
}

/** A 16×16 icon file holding one 32-bit DIB of one colour, as icon editors of the era wrote them. */
export function icoFile(rgb: [number, number, number]): Buffer {
  const w = 16;
  const dib = Buffer.alloc(40 + w * w * 4 + w * 4);
  dib.writeUInt32LE(40, 0);
  dib.writeInt32LE(w, 4);
  dib.writeInt32LE(w * 2, 8); // XOR and AND masks
  dib.writeUInt16LE(1, 12);
  dib.writeUInt16LE(32, 14);
  for (let i = 0; i < w * w; i++) {
    dib[40 + i * 4] = rgb[2];
    dib[40 + i * 4 + 1] = rgb[1];
    dib[40 + i * 4 + 2] = rgb[0];
    dib[40 + i * 4 + 3] = 255;
  }
  const dir = Buffer.alloc(6 + 16);
  dir.writeUInt16LE(1, 2);
  dir.writeUInt16LE(1, 4);
  dir[6] = w;
  dir[7] = w;
  dir.writeUInt16LE(1, 10);
  dir.writeUInt16LE(32, 12);
  dir.writeUInt32LE(dib.length, 14);
  dir.writeUInt32LE(22, 18);
  return Buffer.concat([dir, dib]);
}
