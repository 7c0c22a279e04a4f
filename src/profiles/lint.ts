import { lookupKey } from '../disc/index.js';
import type { Catalogue, LoadedProfile, Problem } from './load.js';
import type { EngineProfile, TitleProfile } from './schema.js';

const fileKey = (f: { path: string; size?: number | undefined; md5?: string | undefined; tailMd5?: string | undefined }) =>
  `${lookupKey(f.path)}|${f.size ?? ''}|${f.md5 ?? ''}|${f.tailMd5 ?? ''}`;

function titleKeys(p: TitleProfile): string[] {
  return (p.match.files ?? []).map(fileKey).sort();
}

function overlaps(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return !a || !b || a.some((x) => b.includes(x));
}

function bandsOverlap(a: EngineProfile['match']['version'], b: EngineProfile['match']['version']): boolean {
  if (!a || !b) return true;
  const lo = (v?: string) => (v ? Number.parseFloat(v) : -Infinity);
  const hi = (v?: string) => (v ? Number.parseFloat(v) + 0.999 : Infinity);
  return lo(a.min) <= hi(b.max) && lo(b.min) <= hi(a.max);
}

function specificity(p: EngineProfile): number {
  const m = p.match;
  return (m.engine ? 1 : 0) + (m.platform ? 1 : 0) + (m.version ? 1 : 0) + (m.as3 !== undefined ? 1 : 0) + (m.risks?.length ?? 0);
}

/**
 * Finds pairs of profiles that would both match one disc with nothing to choose between them:
 * the same fingerprint or the same file rules (titles), or equally specific, compatible engine rules.
 */
export function findOverlaps(profiles: readonly LoadedProfile[], only?: Set<string>): Problem[] {
  const out: Problem[] = [];
  const concerns = (a: LoadedProfile, b: LoadedProfile) => !only || only.has(a.path) || only.has(b.path);
  const titles = profiles.filter((p): p is LoadedProfile & { profile: TitleProfile } => p.profile.kind === 'title');
  const engines = profiles.filter((p): p is LoadedProfile & { profile: EngineProfile } => p.profile.kind === 'engine');
  const problem = (p: LoadedProfile, other: LoadedProfile, why: string, severity: 'error' | 'warning' = 'error'): Problem => ({
    path: p.path, line: null, col: null, field: 'match', message: `${why}: "${p.profile.id}" and "${other.profile.id}" (${other.path})`, severity,
  });
  for (let i = 0; i < titles.length; i++) {
    for (let j = i + 1; j < titles.length; j++) {
      const a = titles[i]!;
      const b = titles[j]!;
      if (!concerns(a, b)) continue;
      const fa = a.profile.match.fingerprints ?? [];
      const fb = b.profile.match.fingerprints ?? [];
      if (fa.some((x) => fb.includes(x))) {
        out.push(problem(a, b, 'the same fingerprint is claimed by two profiles'));
        continue;
      }
      const ka = titleKeys(a.profile);
      const kb = titleKeys(b.profile);
      const sameLabel = (a.profile.match.label ?? '').toUpperCase() === (b.profile.match.label ?? '').toUpperCase();
      if (ka.length && ka.join() === kb.join() && sameLabel) out.push(problem(a, b, 'identical match rules would match the same disc'));
      else if (ka.length && ka.length === kb.length && ka.some((k) => kb.includes(k))) {
        out.push(problem(a, b, 'these profiles share a file rule and have as many files: a disc with both sets of files would match both equally', 'warning'));
      }
    }
  }
  for (let i = 0; i < engines.length; i++) {
    for (let j = i + 1; j < engines.length; j++) {
      const a = engines[i]!;
      const b = engines[j]!;
      if (!concerns(a, b) || specificity(a.profile) !== specificity(b.profile)) continue;
      const ma = a.profile.match;
      const mb = b.profile.match;
      const compatible =
        overlaps(ma.engine, mb.engine) &&
        overlaps(ma.platform, mb.platform) &&
        bandsOverlap(ma.version, mb.version) &&
        (ma.as3 === undefined || mb.as3 === undefined || ma.as3 === mb.as3);
      if (compatible) out.push(problem(a, b, 'equally specific engine rules would match the same disc'));
    }
  }
  return out;
}

export function lintCatalogue(cat: Catalogue, only?: Set<string>): Problem[] {
  const problems = cat.problems.filter((p) => !only || only.has(p.path));
  problems.push(...findOverlaps(cat.profiles, only));
  for (const p of cat.profiles) {
    if (only && !only.has(p.path)) continue;
    const inTitles = /[\\/]titles[\\/]/.test(p.path);
    const inEngines = /[\\/]engines[\\/]/.test(p.path);
    if ((inTitles && p.profile.kind !== 'title') || (inEngines && p.profile.kind !== 'engine')) {
      problems.push({ path: p.path, line: null, col: null, field: 'kind', message: `a ${p.profile.kind} profile in the ${inTitles ? 'titles' : 'engines'} folder`, severity: 'error' });
    }
    const r = p.profile.runner;
    if (r === 'dosbox' && p.profile.wine && !p.profile.dosbox) {
      problems.push({ path: p.path, line: null, col: null, field: 'wine', message: 'wine options on a dosbox profile are ignored', severity: 'warning' });
    }
  }
  return problems;
}
