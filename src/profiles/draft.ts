import { Document } from 'yaml';
import type { Disc, DiscEntry } from '../disc/index.js';
import { keyFile } from '../fingerprint/fingerprint-id.js';
import type { Inspection } from '../fingerprint/types.js';
import type { LoadedProfile } from './load.js';

/** Files every title of an engine shares: useless for telling titles apart. */
const RUNTIME_FILES = /^(dirapi|iml32|proj|msvbvm\d+|vbrun\d+|vb400\d+|mfc\d+|msvcrt\d*|ctl3d(32|v2)?|autorun\.inf|setup|install|_setup|data\d+|layout|qtinstal|quicktime)\b/i;

export function slug(s: string | null | undefined): string {
  return (s ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
}

/** Two or three files that tell this title apart: its program, its main engine file, its biggest own file. */
export function distinctiveFiles(insp: Inspection, files: readonly DiscEntry[]): DiscEntry[] {
  const picked: DiscEntry[] = [];
  const add = (p: string | null | undefined) => {
    const e = p ? files.find((f) => f.path === p) : undefined;
    if (e && !picked.includes(e) && picked.length < 3) picked.push(e);
  };
  add(insp.entry?.path);
  add(insp.media.flash?.path);
  for (const k of insp.fingerprint.files) if (!/autorun\.inf$/i.test(k.path)) add(k.path);
  const own = files
    .filter((f) => !f.isDir && f.size > 0 && !RUNTIME_FILES.test(f.path.split('/').pop()!))
    .sort((a, b) => b.size - a.size || a.path.localeCompare(b.path));
  for (const f of own) {
    if (picked.length >= 3) break;
    add(f.path);
  }
  return picked;
}

/** Drafts a title profile: distinctive match rules, the engine family's runner and options, status untested. */
export async function draftProfile(disc: Disc, insp: Inspection, family: LoadedProfile | null): Promise<{ yaml: string; suggestedPath: string; id: string }> {
  const files = (await disc.list()).filter((e) => !e.isDir);
  const keyed = [];
  for (const e of distinctiveFiles(insp, files)) {
    const k = await keyFile(disc, e);
    const isProgram = /\.(exe|dat|bin)$/i.test(e.path);
    keyed.push(isProgram ? { path: k.path, size: k.size, md5: k.md5, tailMd5: k.tailMd5 } : { path: k.path, size: k.size, md5: k.md5 });
  }
  const publisher = insp.publisher ?? insp.volume.publisher ?? null;
  const title = insp.title ?? insp.volume.label ?? 'Titre inconnu';
  const id = [slug(publisher), slug(title), insp.year ?? ''].filter(Boolean).join('-').replace(/-+/g, '-') || insp.fingerprint.id;
  const runner = family?.profile.runner ?? (insp.runner === 'none' ? 'wine' : insp.runner);
  const body: Record<string, unknown> = {
    kind: 'title',
    id,
    title,
    ...(publisher ? { publisher } : {}),
    ...(insp.year ? { year: insp.year } : {}),
    language: 'fr',
    match: { ...(insp.volume.label ? { label: insp.volume.label } : {}), files: keyed },
    runner,
  };
  for (const k of ['wine', 'dosbox', 'ruffle', 'scummvm'] as const) {
    const opts = family?.profile[k];
    if (opts) body[k] = opts;
  }
  if (insp.entry && insp.entry.from === 'heuristic') body.entry = { path: insp.entry.path, args: insp.entry.args };
  body.status = 'untested';
  body.verified = [];
  body.note = { fr: 'À compléter : une phrase pour les enseignants.' };
  const doc = new Document(body);
  doc.commentBefore = ` Drafted by discrun profile new from fingerprint ${insp.fingerprint.id}${family ? `, family ${family.profile.id}` : ''}.\n Check the match rules and options, then run: discrun profile verify DISC --profile THIS_FILE`;
  const suggestedPath = `profiles/titles/${slug(publisher) || 'inconnu'}/${slug(title) || id}.yaml`;
  return { yaml: doc.toString({ lineWidth: 0 }), suggestedPath, id };
}
