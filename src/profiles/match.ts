import { createHash } from 'node:crypto';
import type { Disc, DiscEntry } from '../disc/index.js';
import { lookupKey } from '../disc/index.js';
import { MD5_BYTES } from '../fingerprint/fingerprint-id.js';
import type { Inspection } from '../fingerprint/types.js';
import type { Catalogue, LoadedProfile } from './load.js';
import type { EngineProfile, TitleProfile } from './schema.js';

export interface Candidate {
  id: string;
  kind: 'title' | 'engine';
  path: string;
  score: number;
  matches: boolean;
  matched: string[];
  unmatched: string[];
}

export interface MatchResult {
  /** The profile that would be used. */
  profile: { id: string; kind: 'title' | 'engine'; status: string; path: string } | null;
  chosen: LoadedProfile | null;
  candidates: Candidate[];
  ambiguous: boolean;
}

/** Index of title profiles by what a disc can be looked up with cheaply: files, fingerprints, labels. */
export class ProfileIndex {
  readonly titles: Array<LoadedProfile & { profile: TitleProfile }> = [];
  readonly engines: Array<LoadedProfile & { profile: EngineProfile }> = [];
  /** Keyed by the first file rule only: every file must be present for a title to match. */
  private byFile = new Map<string, number[]>();
  private byFingerprint = new Map<string, number[]>();

  constructor(readonly catalogue: Catalogue) {
    for (const p of catalogue.profiles) {
      if (p.profile.kind === 'title') {
        const i = this.titles.push(p as LoadedProfile & { profile: TitleProfile }) - 1;
        const first = p.profile.match.files?.[0];
        if (first) push(this.byFile, fileKey(first.path, first.size), i);
        for (const id of p.profile.match.fingerprints ?? []) push(this.byFingerprint, id, i);
      } else this.engines.push(p as LoadedProfile & { profile: EngineProfile });
    }
  }

  /**
   * Title profiles worth evaluating: those claiming this fingerprint, and those whose files are all
   * on the disc with the right sizes (checksums are checked later, only for these).
   */
  titleCandidates(files: readonly DiscEntry[], fingerprint: string): Array<LoadedProfile & { profile: TitleProfile }> {
    const hits = new Set<number>(this.byFingerprint.get(fingerprint) ?? []);
    if (this.byFile.size) {
      const present = new Set<string>();
      for (const f of files) {
        const k = lookupKey(f.path);
        present.add(k);
        present.add(`${k}\t${f.size}`);
      }
      for (const k of present) {
        for (const i of this.byFile.get(k) ?? []) {
          const rules = this.titles[i]!.profile.match.files ?? [];
          if (rules.every((r) => present.has(fileKey(r.path, r.size)))) hits.add(i);
        }
      }
    }
    return [...hits].sort((a, b) => a - b).map((i) => this.titles[i]!);
  }
}

function fileKey(path: string, size: number | undefined): string {
  return size === undefined ? lookupKey(path) : `${lookupKey(path)}\t${size}`;
}

function push<K>(m: Map<K, number[]>, k: K, v: number): void {
  const a = m.get(k);
  if (a) {
    if (a[a.length - 1] !== v) a.push(v);
  } else m.set(k, [v]);
}

function versionNumber(v: string): number[] {
  return v.split('.').map((x) => Number.parseInt(x, 10) || 0);
}

function cmpVersion(a: string, b: string): number {
  const x = versionNumber(a);
  const y = versionNumber(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** A version inside [min, max], where max "6" includes 6.5 (bands name releases, not numbers). */
export function inBand(v: string, band: { min?: string | undefined; max?: string | undefined }): boolean {
  if (band.min && cmpVersion(v, band.min) < 0) return false;
  if (band.max) {
    const depth = versionNumber(band.max).length;
    const cut = versionNumber(v).slice(0, depth).join('.');
    if (cmpVersion(cut, band.max) > 0) return false;
  }
  return true;
}

export function evaluateEngine(p: EngineProfile, i: Inspection): { matched: string[]; unmatched: string[]; score: number } {
  const matched: string[] = [];
  const unmatched: string[] = [];
  const m = p.match;
  const check = (ok: boolean, text: string) => (ok ? matched : unmatched).push(text);
  if (m.engine) check(m.engine.includes(i.engine.id), `engine ${i.engine.id} in [${m.engine.join(', ')}]`);
  if (m.platform) check(m.platform.includes(i.platform), `platform ${i.platform} in [${m.platform.join(', ')}]`);
  if (m.version) {
    const band = `[${m.version.min ?? '…'}, ${m.version.max ?? '…'}]`;
    check(i.engine.version !== null && inBand(i.engine.version, m.version), `version ${i.engine.version ?? 'unknown'} in ${band}`);
  }
  if (m.as3 !== undefined) check((i.engine.as3 ?? false) === m.as3, `as3 is ${m.as3}`);
  for (const r of m.risks ?? []) check(i.risks.some((x) => x.id === r), `risk ${r}`);
  return { matched, unmatched, score: matched.length };
}

/** Chooses the profile for a disc: title over engine family; among titles, the most matched files. */
export async function matchDisc(index: ProfileIndex, insp: Inspection, disc: Disc): Promise<MatchResult> {
  const files = (await disc.list()).filter((e) => !e.isDir);
  const md5s = new Map<string, { md5: string; tailMd5: string }>();
  const hashes = async (e: DiscEntry) => {
    let h = md5s.get(e.path);
    if (!h) {
      const head = await disc.read(e.path, 0, MD5_BYTES);
      const tail = e.size <= MD5_BYTES ? head : await disc.read(e.path, e.size - MD5_BYTES, MD5_BYTES);
      h = { md5: createHash('md5').update(head).digest('hex'), tailMd5: createHash('md5').update(tail).digest('hex') };
      md5s.set(e.path, h);
    }
    return h;
  };
  const candidates: Candidate[] = [];
  for (const t of index.titleCandidates(files, insp.fingerprint.id)) {
    const m = t.profile.match;
    const matched: string[] = [];
    const unmatched: string[] = [];
    let fileHits = 0;
    const fp = (m.fingerprints ?? []).includes(insp.fingerprint.id);
    if (m.fingerprints) (fp ? matched : unmatched).push(`fingerprint ${insp.fingerprint.id}${fp ? '' : ` not in [${m.fingerprints.join(', ')}]`}`);
    if (m.label) {
      const ok = (insp.volume.label ?? '').toUpperCase() === m.label.toUpperCase();
      (ok ? matched : unmatched).push(`label "${insp.volume.label ?? ''}" = "${m.label}"`);
    }
    for (const f of m.files ?? []) {
      const e = await disc.stat(f.path);
      if (!e || e.isDir) {
        unmatched.push(`file ${f.path} present`);
        continue;
      }
      const problems: string[] = [];
      if (f.size !== undefined && f.size !== e.size) problems.push(`size ${e.size} ≠ ${f.size}`);
      if ((f.md5 || f.tailMd5) && problems.length === 0) {
        const h = await hashes(e);
        if (f.md5 && f.md5 !== h.md5) problems.push(`md5 ${h.md5} ≠ ${f.md5}`);
        if (f.tailMd5 && f.tailMd5 !== h.tailMd5) problems.push(`tail md5 ${h.tailMd5} ≠ ${f.tailMd5}`);
      }
      const desc = `file ${f.path}${f.size !== undefined ? ` size ${f.size}` : ''}${f.md5 ? ' md5' : ''}${f.tailMd5 ? ' tail md5' : ''}`;
      if (problems.length) unmatched.push(`${desc} (${problems.join(', ')})`);
      else {
        matched.push(desc);
        fileHits++;
      }
    }
    const filesOk = !!m.files && fileHits === m.files.length && (!m.label || matched.some((x) => x.startsWith('label')));
    const ok = fp || filesOk;
    candidates.push({ id: t.profile.id, kind: 'title', path: t.path, score: (fp ? 1000 : 0) + (filesOk ? fileHits * 10 + (m.label ? 1 : 0) : 0), matches: ok, matched, unmatched });
  }
  for (const e of index.engines) {
    const r = evaluateEngine(e.profile, insp);
    candidates.push({ id: e.profile.id, kind: 'engine', path: e.path, score: r.score, matches: r.unmatched.length === 0 && r.matched.length > 0, matched: r.matched, unmatched: r.unmatched });
  }

  const pick = (kind: 'title' | 'engine') => {
    const ok = candidates.filter((c) => c.kind === kind && c.matches).sort((a, b) => b.score - a.score);
    if (!ok.length) return { best: null, tie: false };
    return { best: ok[0]!, tie: ok.length > 1 && ok[1]!.score === ok[0]!.score };
  };
  const title = pick('title');
  const engine = pick('engine');
  let chosen: Candidate | null = null;
  let ambiguous = false;
  if (title.best && !title.tie) chosen = title.best;
  else {
    ambiguous = title.tie;
    // Two equally good titles are reported, and the disc falls back to its engine family.
    if (engine.best && !engine.tie) chosen = engine.best;
    else ambiguous = ambiguous || engine.tie;
  }
  const loaded = chosen ? [...index.titles, ...index.engines].find((p) => p.path === chosen!.path && p.profile.id === chosen!.id) ?? null : null;
  candidates.sort((a, b) => Number(b.matches) - Number(a.matches) || (a.kind === b.kind ? b.score - a.score : a.kind === 'title' ? -1 : 1));
  return {
    profile: loaded ? { id: loaded.profile.id, kind: loaded.profile.kind, status: loaded.profile.status, path: loaded.path } : null,
    chosen: loaded,
    candidates,
    ambiguous,
  };
}
