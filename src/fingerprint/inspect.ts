import { openDisc, type Disc, type DiscEntry } from '../disc/index.js';
import { currentLang, type Lang } from '../i18n.js';
import { parseAutorun, resolveCommand, type Autorun } from './autorun.js';
import { sniffDirector, type DirectorInfo } from './director.js';
import { sniffExe, type ExeInfo } from './exe.js';
import { discFile } from './file-view.js';
import { fingerprintId, keyFile, MD5_BYTES } from './fingerprint-id.js';
import { htmlEmbeds, START_PAGES, type HtmlEmbeds } from './html.js';
import { installerFromExe, installerFromNames, looksLikeSetupName, type InstallerType } from './installers.js';
import { nameSignals, type NameSignals } from './names.js';
import { detectProtection } from './protection.js';
import { risk, type Risk } from './risks.js';
import { sniffFlashProjector, sniffSwf, type SwfInfo } from './swf.js';
import type { Engine, Entry, FlashMedia, Inspection, Platform, RunnerId } from './types.js';

const MAX_EXES = 64;
const MAX_HTML_BYTES = 256 << 10;

interface ExeFacts {
  entry: DiscEntry;
  info: ExeInfo;
  director: DirectorInfo | null;
  flash: Awaited<ReturnType<typeof sniffFlashProjector>>;
  clickteam: boolean;
  authorware: boolean;
}

const lower = (p: string) => p.toLowerCase();
const baseName = (p: string) => p.split('/').pop()!;
const depthOf = (p: string) => p.split('/').length - 1;
const extOf = (p: string) => (/\.([^./]+)$/.exec(p)?.[1] ?? '').toLowerCase();

/** Vendors of runtimes and tools: their names in a version resource say nothing about the title. */
const RUNTIME_VENDOR = /macromedia|macromind|adobe|microsoft|asymetrix|click ?team|clickteam|europress|installshield|inno setup|jordan russell|wise solutions|sun microsystems|apple computer|mtropolis|sumtotal|authorware|borland|nullsoft|gammadyne|indigo rose/i;
const RUNTIME_PRODUCT = /director|shockwave|flash player|projector|authorware|toolbook|visual basic|install|setup|multimedia fusion|the games factory|click ?&? ?create|autorun|autoplay|windows|operating system|internet explorer|directx|quicktime|runtime/i;

/**
 * A runtime's version resource names the tool's vendor, not the disc's publisher: a projector, a
 * player, or a runtime product of a tool vendor. A vendor's own title (Microsoft's 3D Movie Maker)
 * is still its own.
 */
function isRuntime(x: ExeFacts): boolean {
  const v = x.info.version ?? {};
  if (x.director || x.flash || x.clickteam || x.authorware) return true;
  if (RUNTIME_PRODUCT.test(v.ProductName ?? '') || RUNTIME_PRODUCT.test(v.FileDescription ?? '')) return RUNTIME_VENDOR.test(v.CompanyName ?? '') || RUNTIME_PRODUCT.test(v.ProductName ?? '');
  return false;
}

export async function inspectPath(path: string, lang: Lang = currentLang()): Promise<Inspection> {
  const disc = await openDisc(path);
  try {
    return await inspectDisc(disc, lang);
  } finally {
    await disc.close();
  }
}

export async function inspectDisc(disc: Disc, lang: Lang = currentLang()): Promise<Inspection> {
  const started = performance.now();
  const readBefore = disc.bytesRead;
  const entries = await disc.list();
  const files = entries.filter((e) => !e.isDir);
  const names = nameSignals(entries);
  const protection = detectProtection(entries);
  const find = async (p: string): Promise<DiscEntry | null> => {
    const e = await disc.stat(p);
    return e && !e.isDir ? e : null;
  };

  // AUTORUN.INF, as Explorer read it.
  const autorunEntry = files.find((e) => depthOf(e.path) === 0 && lower(e.path) === 'autorun.inf') ?? null;
  const autorun: Autorun | null = autorunEntry ? parseAutorun(await disc.read(autorunEntry.path, 0, 64 << 10)) : null;
  let entry: Entry | null = null;
  if (autorun?.open) {
    const r = await resolveCommand(autorun.open, async (p) => (await find(p))?.path ?? null);
    if (r) entry = { path: r.path, args: r.args, from: 'autorun' };
  }
  if (!entry && autorun?.shellexecute) {
    const r = await resolveCommand(autorun.shellexecute, async (p) => (await find(p))?.path ?? null);
    if (r) entry = { path: r.path, args: r.args, from: 'autorun' };
  }

  // Executables worth reading: the entry, everything at the root (any extension: a projector can
  // be called Deutsch.dat), then programs one level down.
  const exeCandidates = new Map<string, DiscEntry>();
  const entryFile = entry ? await find(entry.path) : null;
  if (entryFile) exeCandidates.set(entryFile.path, entryFile);
  for (const e of files) if (depthOf(e.path) === 0 && e.size >= 64 && exeCandidates.size < MAX_EXES) exeCandidates.set(e.path, e);
  for (const e of names.executables) if (depthOf(e.path) <= 1 && exeCandidates.size < MAX_EXES) exeCandidates.set(e.path, e);
  for (const e of names.executables) if (exeCandidates.size < MAX_EXES && /\.(exe|com)$/i.test(e.path)) exeCandidates.set(e.path, e);
  const exes: ExeFacts[] = [];
  for (const e of exeCandidates.values()) {
    const f = discFile(disc, e);
    const ext = extOf(e.path);
    const known = ['exe', 'com', 'dll', 'dat', 'bin', 'run', 'ovl', 'scr'].includes(ext);
    if (!known && !(await f.head(2)).toString('latin1').startsWith('MZ')) continue;
    const info = await sniffExe(f, { isCom: ext === 'com' });
    if (!info) continue;
    const isMz = info.format !== 'com';
    const director = isMz ? await sniffDirector(f) : null;
    const flash = isMz ? await sniffFlashProjector(f) : null;
    const ov = info.overlay?.head.toString('latin1') ?? '';
    exes.push({
      entry: e,
      info,
      director: director?.kind === 'projector' ? director : null,
      flash,
      clickteam: ov.startsWith('wwww') || /PAM[EU]/.test(ov),
      authorware: ov.startsWith('PCRS'),
    });
  }
  const exeByPath = new Map(exes.map((x) => [x.entry.path, x]));

  // Content engines.
  const directorMovies: Array<{ path: string; info: DirectorInfo }> = [];
  const movieFiles = [...names.directorFiles].sort((a, b) => depthOf(a) - depthOf(b) || rankDirector(a) - rankDirector(b));
  for (const p of movieFiles.slice(0, 4)) {
    const e = await find(p);
    if (!e) continue;
    const info = await sniffDirector(discFile(disc, e));
    if (info) directorMovies.push({ path: p, info });
  }

  let startPage: string | null = null;
  let html: HtmlEmbeds | null = null;
  const htmlEntry = entry && /\.html?$/i.test(entry.path) ? entry.path : null;
  const pageCandidates = htmlEntry ? [htmlEntry] : START_PAGES;
  for (const name of pageCandidates) {
    const e = await find(name);
    if (!e) continue;
    startPage = e.path;
    html = htmlEmbeds(await disc.read(e.path, 0, MAX_HTML_BYTES));
    break;
  }

  const swfChoices: string[] = [];
  if (html) {
    const dir = startPage!.includes('/') ? startPage!.slice(0, startPage!.lastIndexOf('/') + 1) : '';
    for (const s of html.swf) {
      const e = await find(dir + s.replace(/^\.\//, ''));
      if (e) swfChoices.push(e.path);
    }
  }
  if (entry && /\.swf$/i.test(entry.path)) swfChoices.unshift(entry.path);
  const bareSwfs = [...names.swf].sort((a, b) => depthOf(a) - depthOf(b));
  for (const s of bareSwfs) if (swfChoices.length < 3 && !swfChoices.includes(s)) swfChoices.push(s);
  const swfs: Array<{ path: string; size: number; info: SwfInfo }> = [];
  for (const p of swfChoices.slice(0, 3)) {
    const e = await find(p);
    if (!e) continue;
    const info = await sniffSwf(discFile(disc, e));
    if (info) swfs.push({ path: e.path, size: e.size, info });
  }

  // Installers.
  const nameInstallers = installerFromNames(files);
  let installer: { type: InstallerType; path: string } | null = null;
  const installerEvidence: string[] = [];
  for (const x of exes) {
    const isSetup = looksLikeSetupName(x.entry.path);
    if (!isSetup && x.entry.path !== entry?.path) continue;
    const byExe = installerFromExe(x.info, x.info.overlay?.head ?? null);
    if (!isSetup && !byExe) continue; // the disc's own program is an installer only by its headers
    const dir = x.entry.path.includes('/') ? x.entry.path.slice(0, x.entry.path.lastIndexOf('/')) : '';
    const byNames = nameInstallers.find((n) => n.dir === dir);
    const type = byExe?.type ?? byNames?.type ?? (isSetup ? 'generic' : null);
    if (!type) continue;
    const candidate = { type, path: x.entry.path };
    installerEvidence.push(byExe?.evidence ?? byNames?.evidence ?? `setup program ${x.entry.path}`);
    // The installer the disc itself launches matters most; otherwise the shallowest one.
    if (!installer || (entry && x.entry.path === entry.path) || depthOf(x.entry.path) < depthOf(installer.path)) installer = candidate;
  }

  // Heuristic entry when AUTORUN.INF gave none.
  if (!entry) {
    const picked = pickEntry(exes, startPage, names, swfs);
    if (picked) entry = { path: picked, args: [], from: 'heuristic' };
  }
  const entryExe = entry ? exeByPath.get(entry.path) ?? null : null;

  // Which engine: the entry's own nature first, then content on the disc.
  const engine = decideEngine({ entryExe, exes, names, directorMovies, swfs, html, startPage, entry });

  // Flash media for Ruffle: the SWF cut out of a projector, or the bare/embedded SWF.
  let flash: FlashMedia | null = null;
  const projector = (entryExe?.flash ? entryExe : null) ?? exes.find((x) => x.flash?.swf);
  if (engine.id === 'flash') {
    if (projector?.flash?.swf) {
      const s = projector.flash.swf;
      flash = { path: projector.entry.path, offset: projector.flash.swfOffset, length: projector.flash.swfLength, version: s.version, as3: s.as3, width: s.width, height: s.height, background: s.background, container: { kind: 'projector', path: projector.entry.path } };
    } else if (swfs[0]) {
      const s = swfs[0];
      flash = { path: s.path, offset: 0, length: s.size, version: s.info.version, as3: s.info.as3, width: s.info.width, height: s.info.height, background: s.info.background, container: startPage && html?.swf.length ? { kind: 'html', path: startPage } : null };
    }
  }

  const platform = decidePlatform({ disc, names, entry, entryExe, engine, files });
  const runner = decideRunner(platform, engine, entryExe);

  // Publisher, title and year: the disc's own program first, never a runtime vendor.
  const own = [entryExe, ...exes.filter((x) => x !== entryExe).sort((a, b) => depthOf(a.entry.path) - depthOf(b.entry.path))]
    .filter((x): x is ExeFacts => !!x && !!x.info.version && !isRuntime(x) && !looksLikeSetupName(x.entry.path))[0];
  const v = own?.info.version ?? null;
  const vol = disc.volume;
  const volPublisher = vol.publisher && !vol.publisher.startsWith('_') && !/^(publisher|unknown|none)$/i.test(vol.publisher) ? vol.publisher : null;
  const publisher = v?.CompanyName ?? volPublisher ?? null;
  const title = v?.ProductName ?? v?.FileDescription ?? autorun?.label ?? html?.title ?? prettyLabel(vol.label ?? vol.macName);
  const year = copyrightYear(v?.LegalCopyright) ?? plausibleYear(own?.info.timestamp) ?? plausibleYear(vol.created) ?? newestYear(files);

  // Risks.
  const risks: Risk[] = [];
  const add = (r: Risk) => {
    if (!risks.some((x) => x.id === r.id)) risks.push(r);
  };
  if (vol.macOnly) add(risk('mac-only', '', lang));
  if (platform === 'dvd-video') add(risk('dvd-video', '', lang));
  if (platform === 'win16' || (engine.id === 'vb' && /^[123]|16/.test(engine.version ?? ''))) add(risk('16-bit', '', lang));
  if (entryExe?.info.format === 'pe32+') add(risk('64-bit', '', lang));
  if ((engine.id === 'director' && Number.parseFloat(engine.version ?? '99') < 7) || platform === 'win16') add(risk('256-colours', '', lang));
  if (names.quicktime.length) add(risk('quicktime', names.quicktime.slice(0, 2).join(', '), lang));
  if (protection.ids.length) add(risk('copy-protection', protection.ids.join(', '), lang));
  if (engine.id === 'flash' && engine.as3) add(risk('as3', '', lang));
  if (installer && entry && installer.path === entry.path) add(risk('installer-first', installer.path, lang));
  if (entry?.from === 'heuristic') add(risk('heuristic-entry', entry.path, lang));
  if (!entry && !vol.macOnly && platform !== 'dvd-video') add(risk('no-entry', '', lang));
  if (engine.id === 'unknown' && entry && runner === 'wine') add(risk('unknown-engine', '', lang));
  if (html?.shockwave.length) add(risk('shockwave', '', lang));
  if (names.java.length || html?.applets.length) add(risk('java', '', lang));
  if (entryExe?.info.dosExtender) add(risk('dos-extender', entryExe.info.dosExtender, lang));

  // Key files for the fingerprint: what a profile would match on.
  const keyPaths = new Set<string>();
  if (entry && (await find(entry.path))) keyPaths.add(entry.path);
  if (autorunEntry) keyPaths.add(autorunEntry.path);
  if (flash) keyPaths.add(flash.path);
  if (engine.id === 'director' && directorMovies[0]) keyPaths.add(directorMovies[0].path);
  for (const p of names.coktel.slice(0, 1)) keyPaths.add(p);
  const keyFiles = [];
  for (const p of [...keyPaths].slice(0, 4)) {
    const e = await find(p);
    if (e) keyFiles.push(await keyFile(disc, e));
  }

  const icon = autorun?.icon ? (await find(autorun.icon.path))?.path ?? null : null;
  return {
    source: { kind: disc.source.kind === 'archive' ? 'iso' : disc.source.kind, path: disc.source.mountPoint ?? disc.source.path },
    volume: {
      label: vol.label,
      publisher: vol.publisher,
      preparer: vol.preparer,
      application: vol.application,
      created: vol.created?.toISOString() ?? null,
      filesystems: vol.filesystems,
      macName: vol.macName,
    },
    platform,
    engine: { ...engine, evidence: [...engine.evidence, ...installerEvidence.map((e) => `installer: ${e}`), ...protection.evidence.map((e) => `protection: ${e}`)] },
    entry,
    installer,
    protection: protection.ids,
    publisher,
    title: title ?? null,
    year,
    runner,
    risks,
    fingerprint: { id: await fingerprintId(entries, (e) => disc.read(e.path, 0, MD5_BYTES)), files: keyFiles },
    media: { flash, startPage, icon, iconIndex: autorun?.icon?.index ?? 0 },
    stats: { files: files.length, bytesRead: disc.bytesRead - readBefore, ms: Math.round(performance.now() - started) },
  };
}

function rankDirector(p: string): number {
  const x = extOf(p);
  return x === 'dir' || x === 'dxr' ? 0 : x === 'dcr' ? 1 : 2;
}

function pickEntry(exes: ExeFacts[], startPage: string | null, names: NameSignals, swfs: Array<{ path: string }>): string | null {
  const scored = exes
    .filter((x) => !x.info.isDll && /\.(exe|com|bat|dat|bin)$/i.test(x.entry.path))
    .map((x) => {
      const b = lower(baseName(x.entry.path));
      let score = 0;
      if (x.director || x.flash || x.clickteam || x.authorware) score += 100;
      if (x.info.gui) score += 50;
      if (x.info.format === 'mz' || x.info.format === 'com' || x.info.format === 'le' || x.info.format === 'lx') score += 20;
      if (depthOf(x.entry.path) === 0) score += 30;
      if (/\.(dat|bin)$/i.test(b) && !(x.director || x.flash)) score -= 60;
      if (/^(setup|install|instal|uninst|unins|remove|readme|config|update|dxsetup|directx|qt|quicktime|acro|ar32|regsvr|vcredist|msvbvm|vbrun|ie\d|dotnet|wmp|register)/.test(b)) score -= 80;
      if (/^(start|lancer|lance|jouer|jeu|play|run|go|menu|autorun|demarrer|launch|main)\b/.test(b)) score += 20;
      return { path: x.entry.path, score };
    })
    .sort((a, b) => b.score - a.score || depthOf(a.path) - depthOf(b.path) || a.path.localeCompare(b.path));
  if (scored[0] && scored[0].score > 0) return scored[0].path;
  if (startPage) return startPage;
  if (swfs[0]) return swfs[0].path;
  const bat = names.executables.find((e) => depthOf(e.path) === 0 && /\.bat$/i.test(e.path));
  if (bat) return bat.path;
  return scored[0]?.path ?? null;
}

const VB_RUNTIMES: Record<string, string> = {
  MSVBVM60: '6', 'MSVBVM60.DLL': '6', MSVBVM50: '5', 'MSVBVM50.DLL': '5', VB40032: '4 (32-bit)', 'VB40032.DLL': '4 (32-bit)',
  VB40016: '4 (16-bit)', 'VB40016.DLL': '4 (16-bit)', VBRUN300: '3', 'VBRUN300.DLL': '3', VBRUN200: '2', 'VBRUN200.DLL': '2', VBRUN100: '1', 'VBRUN100.DLL': '1',
};

function decideEngine(c: {
  entryExe: ExeFacts | null;
  exes: ExeFacts[];
  names: NameSignals;
  directorMovies: Array<{ path: string; info: DirectorInfo }>;
  swfs: Array<{ path: string; info: SwfInfo }>;
  html: HtmlEmbeds | null;
  startPage: string | null;
  entry: Entry | null;
}): Engine {
  const { entryExe, exes, names, directorMovies, swfs } = c;
  const evidence: string[] = [];
  if (names.coktel.length) {
    return { id: 'coktel', version: null, evidence: [`Coktel Vision archives: ${names.coktel.slice(0, 3).join(', ')}`] };
  }
  if (names.mtropolis.length) {
    return { id: 'mtropolis', version: null, evidence: [`mTropolis titles: ${names.mtropolis.slice(0, 3).join(', ')}`] };
  }
  const projector = entryExe?.director ? entryExe : exes.find((x) => x.director);
  const flashProjector = entryExe?.flash ? entryExe : null;
  if (flashProjector?.flash) {
    const s = flashProjector.flash.swf;
    return { id: 'flash', version: s ? String(s.version) : null, as3: s?.as3 ?? false, evidence: [`Flash projector ${flashProjector.entry.path} with an appended SWF${s ? ` v${s.version}` : ''}`] };
  }
  if (projector || directorMovies.length || names.directorRuntime.length) {
    if (projector) evidence.push(`Director projector ${projector.entry.path} (tag ${projector.director!.projectorTag})`);
    for (const m of directorMovies) evidence.push(`Director ${m.info.kind} ${m.path}${m.info.version ? ` (Director ${m.info.version})` : ''}`);
    if (names.directorRuntime.length) evidence.push(`Director runtime files: ${names.directorRuntime.slice(0, 3).join(', ')}`);
    const version = projector?.director?.version ?? directorMovies.find((m) => m.info.version)?.info.version ?? null;
    return { id: 'director', version, evidence };
  }
  const anyFlashProjector = exes.find((x) => x.flash);
  if (anyFlashProjector?.flash || swfs.length) {
    const s = anyFlashProjector?.flash?.swf ?? swfs[0]?.info ?? null;
    if (anyFlashProjector) evidence.push(`Flash projector ${anyFlashProjector.entry.path}`);
    for (const x of swfs) evidence.push(`SWF ${x.path} (version ${x.info.version}${x.info.as3 ? ', ActionScript 3' : ''})`);
    if (c.html?.swf.length && c.startPage) evidence.push(`embedded by ${c.startPage}`);
    return { id: 'flash', version: s ? String(s.version) : null, as3: s?.as3 ?? false, evidence };
  }
  if (names.toolbook.length) {
    const m = names.toolbook.map((p) => /tb(\d)(\d)run\.exe$/i.exec(p)).find(Boolean);
    return { id: 'toolbook', version: m ? `${m[1]}.${m[2]}` : null, evidence: [`ToolBook files: ${names.toolbook.slice(0, 3).join(', ')}`] };
  }
  const aw = exes.find((x) => x.authorware);
  if (names.authorware.length || aw) {
    const m = names.authorware.map((p) => /\.a(\d)[rpw]$|runa(\d)w/i.exec(p)).find(Boolean);
    const ev = aw ? [`Authorware data appended to ${aw.entry.path}`] : [];
    return { id: 'authorware', version: m ? (m[1] ?? m[2])! : null, evidence: [...ev, ...(names.authorware.length ? [`Authorware files: ${names.authorware.slice(0, 3).join(', ')}`] : [])] };
  }
  const ct = entryExe?.clickteam ? entryExe : exes.find((x) => x.clickteam);
  if (ct) return { id: 'clickteam', version: null, evidence: [`Clickteam data appended to ${ct.entry.path}`] };
  const vbHost = [entryExe, ...exes].find((x) => x && x.info.imports.some((i) => i in VB_RUNTIMES));
  if (vbHost) {
    const imp = vbHost.info.imports.find((i) => i in VB_RUNTIMES)!;
    return { id: 'vb', version: VB_RUNTIMES[imp]!, evidence: [`${vbHost.entry.path} imports ${imp}`] };
  }
  if (c.startPage && (!entryExe || (c.entry && /\.html?$/i.test(c.entry.path)))) {
    return { id: 'html', version: null, evidence: [`start page ${c.startPage}`] };
  }
  if (entryExe) {
    return { id: 'native', version: null, evidence: [`${entryExe.entry.path}: ${describeFormat(entryExe.info)}`] };
  }
  return { id: 'unknown', version: null, evidence };
}

function describeFormat(i: ExeInfo): string {
  switch (i.format) {
    case 'pe32': return 'PE32 (Win32)';
    case 'pe32+': return 'PE32+ (Win64)';
    case 'ne': return `NE (${i.targetOs === 'os2' ? 'OS/2' : 'Win16'})`;
    case 'le': case 'lx': return `${i.format.toUpperCase()} (${i.dosExtender ?? 'DOS extender'})`;
    case 'com': return 'DOS .COM';
    default: return 'DOS MZ';
  }
}

function decidePlatform(c: { disc: Disc; names: NameSignals; entry: Entry | null; entryExe: ExeFacts | null; engine: Engine; files: DiscEntry[] }): Platform {
  if (c.disc.volume.macOnly) return 'mac';
  if (c.entryExe) {
    const f = c.entryExe.info.format;
    if (f === 'pe32' || f === 'pe32+') return 'win32';
    if (f === 'ne') return c.entryExe.info.targetOs === 'os2' ? 'dos' : 'win16';
    return 'dos';
  }
  if (c.entry && /\.(html?|swf)$/i.test(c.entry.path)) return 'web';
  if (c.entry && /\.bat$/i.test(c.entry.path)) return 'dos';
  if (c.engine.id === 'coktel') return 'dos';
  if (c.names.dvdVideo && !c.entry) return 'dvd-video';
  return 'unknown';
}

function decideRunner(platform: Platform, engine: Engine, entryExe: ExeFacts | null): RunnerId {
  if (platform === 'mac' || platform === 'dvd-video') return 'none';
  if (engine.id === 'coktel') return 'scummvm';
  if (engine.id === 'flash') return entryExe?.flash && engine.as3 ? 'wine' : 'ruffle';
  if (platform === 'web' || engine.id === 'html') return 'ruffle';
  if (platform === 'dos') return 'dosbox';
  if (platform === 'win16' || platform === 'win32') return 'wine';
  return 'none';
}

function copyrightYear(s: string | undefined): number | null {
  if (!s) return null;
  const years = [...s.matchAll(/(?:19|20)\d\d/g)].map((m) => Number(m[0])).filter((y) => y >= 1985 && y <= 2015);
  return years.length ? Math.max(...years) : null;
}

function plausibleYear(d: Date | null | undefined): number | null {
  const y = d?.getUTCFullYear();
  return y && y >= 1985 && y <= new Date().getUTCFullYear() ? y : null;
}

function newestYear(files: DiscEntry[]): number | null {
  let best: number | null = null;
  for (const f of files) {
    const y = plausibleYear(f.mtime);
    if (y && (!best || y > best)) best = y;
  }
  return best;
}

function prettyLabel(label: string | null): string | null {
  if (!label) return null;
  return label.replace(/_/g, ' ').trim() || null;
}
