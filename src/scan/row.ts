import type { Disc } from '../disc/index.js';
import { isDiscrunError } from '../errors.js';
import { discIcon } from '../fingerprint/icon.js';
import type { Inspection } from '../fingerprint/types.js';
import type { MatchResult } from '../profiles/match.js';

/** What a scan reports of one disc. Documented in README ("Scan report"). */
export interface ScanRow {
  path: string;
  rel: string;
  size: number;
  mtime: string | null;
  ok: boolean;
  error: { code: string; message: string } | null;
  fingerprint: string | null;
  label: string | null;
  title: string | null;
  publisher: string | null;
  year: number | null;
  decade: string | null;
  platform: string | null;
  engine: string | null;
  engineVersion: string | null;
  as3: boolean | null;
  runner: string;
  profile: { id: string; kind: 'title' | 'engine'; status: string } | null;
  ambiguous: boolean;
  /** works (gold/silver), probably (a tested family or no known risk), risky, no (cannot run here), error. */
  verdict: 'works' | 'probably' | 'risky' | 'no' | 'error';
  risks: Array<{ id: string; message: string }>;
  entry: string | null;
  installer: string | null;
  protection: string[];
  icon: string | null;
  smoke: { outcome: string; seconds: number; runner: string; screenshot: string | null; thumbnail: string | null; message: string } | null;
}

const SEVERE = new Set(['copy-protection', 'installer-first', 'no-entry', 'as3', 'shockwave', 'java']);

export function verdictOf(r: Pick<ScanRow, 'ok' | 'runner' | 'profile' | 'risks' | 'engine' | 'smoke'>): ScanRow['verdict'] {
  if (!r.ok) return 'error';
  if (r.smoke && (r.smoke.outcome === 'crashed' || r.smoke.outcome === 'refused')) return 'no';
  if (r.runner === 'none' || r.profile?.status === 'broken') return 'no';
  if (r.profile && (r.profile.status === 'gold' || r.profile.status === 'silver')) return 'works';
  if (r.risks.some((x) => SEVERE.has(x.id)) || r.engine === 'unknown') return 'risky';
  return 'probably';
}

export async function rowFromDisc(disc: Disc, insp: Inspection, match: MatchResult, base: { path: string; rel: string; size: number; mtime: string | null }): Promise<ScanRow> {
  const icon = await discIcon(disc, insp).catch(() => null);
  const row: ScanRow = {
    ...base,
    ok: true,
    error: null,
    fingerprint: insp.fingerprint.id,
    label: insp.volume.label,
    title: insp.title,
    publisher: insp.publisher,
    year: insp.year,
    decade: insp.year ? `${Math.floor(insp.year / 10) * 10}s` : null,
    platform: insp.platform,
    engine: insp.engine.id,
    engineVersion: insp.engine.version,
    as3: insp.engine.id === 'flash' ? insp.engine.as3 ?? false : null,
    runner: match.chosen?.profile.runner ?? insp.runner,
    profile: match.profile ? { id: match.profile.id, kind: match.profile.kind, status: match.profile.status } : null,
    ambiguous: match.ambiguous,
    verdict: 'probably',
    risks: insp.risks,
    entry: insp.entry?.path ?? null,
    installer: insp.installer ? `${insp.installer.type}:${insp.installer.path}` : null,
    protection: insp.protection,
    icon: icon ? `data:image/png;base64,${icon.toString('base64')}` : null,
    smoke: null,
  };
  row.verdict = verdictOf(row);
  return row;
}

export function errorRow(base: { path: string; rel: string; size: number; mtime: string | null }, e: unknown, lang: 'fr' | 'en'): ScanRow {
  const code = isDiscrunError(e) ? e.code : ((e as NodeJS.ErrnoException)?.code ?? 'error');
  const message = isDiscrunError(e) ? e.sentence(lang) : String((e as Error)?.message ?? e);
  return {
    ...base, ok: false, error: { code, message }, fingerprint: null, label: null, title: null, publisher: null, year: null, decade: null,
    platform: null, engine: null, engineVersion: null, as3: null, runner: 'none', profile: null, ambiguous: false, verdict: 'error',
    risks: [], entry: null, installer: null, protection: [], icon: null, smoke: null,
    // An audio CD is read fine: there is just nothing to run on it.
    ...(code === 'audio-cd' ? { verdict: 'no' as const } : {}),
  };
}
