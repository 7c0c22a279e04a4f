import type { DiscEntry } from '../disc/index.js';

/** Signals that file names alone give, before any byte is read. */
export interface NameSignals {
  coktel: string[];
  mtropolis: string[];
  directorFiles: string[];
  directorRuntime: string[];
  swf: string[];
  toolbook: string[];
  authorware: string[];
  html: string[];
  dvdVideo: boolean;
  quicktime: string[];
  java: string[];
  pdf: string[];
  executables: DiscEntry[];
}

const ext = (p: string) => (/\.([^./\\]+)$/.exec(p)?.[1] ?? '').toLowerCase();
const base = (p: string) => p.split('/').pop()!.toLowerCase();
const depth = (p: string) => p.split('/').length - 1;

const DIRECTOR_EXT = new Set(['dir', 'dxr', 'cst', 'cxt', 'dcr', 'cct', 'mmm']);
const DIRECTOR_RUNTIME = new Set(['iml32.dll', 'dirapi.dll', 'proj.dll', 'lingo.ini', 'iml.dll', 'dirapi32.dll', 'mmsys.dll']);
const EXECUTABLE_EXT = new Set(['exe', 'com', 'bat', 'pif']);

export function nameSignals(entries: readonly DiscEntry[]): NameSignals {
  const s: NameSignals = {
    coktel: [], mtropolis: [], directorFiles: [], directorRuntime: [], swf: [], toolbook: [], authorware: [], html: [],
    dvdVideo: false, quicktime: [], java: [], pdf: [], executables: [],
  };
  for (const e of entries) {
    if (e.isDir) continue;
    const x = ext(e.path);
    const b = base(e.path);
    const p = e.path.toLowerCase();
    if (x === 'stk' || x === 'itk' || /^[0-9a-f]{8}\.cd\d$/.test(b)) s.coktel.push(e.path);
    if (x === 'mfw' || x === 'mfx' || x === 'mxw') s.mtropolis.push(e.path);
    if (DIRECTOR_EXT.has(x)) s.directorFiles.push(e.path);
    if (DIRECTOR_RUNTIME.has(b) || (/(^|\/)xtras\//.test(p) && (x === 'x32' || x === 'x16'))) s.directorRuntime.push(e.path);
    if (x === 'swf' || x === 'spl') s.swf.push(e.path);
    if (x === 'tbk' || x === 'sbk' || /^tb\d\drun\.exe$/.test(b) || b === 'tbload.exe' || b === 'asym.ini' || b === 'toolbook.ini') s.toolbook.push(e.path);
    if (/^a\dr$/.test(x) || /^a\d[pw]$/.test(x) || /^runa\w*\.exe$/.test(b) || x === 'vdr' || b === 'apqt.vdr') s.authorware.push(e.path);
    if ((x === 'htm' || x === 'html') && depth(e.path) <= 1) s.html.push(e.path);
    if (p === 'video_ts/video_ts.ifo') s.dvdVideo = true;
    if (x === 'mov' || x === 'qt' || /^(qtinstal|quicktime|qtw?setup|qt\d*setup)\w*\.exe$/.test(b) || b === 'qtim.dll' || b === 'qtw.dll') s.quicktime.push(e.path);
    if (x === 'class' || x === 'jar' || /(^|\/)jre\//.test(p)) s.java.push(e.path);
    if (x === 'pdf') s.pdf.push(e.path);
    if (EXECUTABLE_EXT.has(x) || x === 'dat' || x === 'bin' || x === 'run') s.executables.push(e);
  }
  return s;
}
