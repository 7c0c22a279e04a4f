import { resolve } from 'node:path';
import { openDisc } from '../disc/index.js';
import { DiscrunError } from '../errors.js';
import { inspectDisc } from '../fingerprint/inspect.js';
import { draftProfile } from '../profiles/draft.js';
import { lintCatalogue } from '../profiles/lint.js';
import { formatProblem, loadCatalogue } from '../profiles/load.js';
import { matchDisc, ProfileIndex } from '../profiles/match.js';
import { profileJsonSchema } from '../profiles/schema.js';
import { writeFileAtomic } from '../util/atomic.js';
import { parse, needPositional, type Command } from './command.js';
import { lang, printJson, say, t, warn } from './output.js';

const usage = 'discrun profile match|new|lint|verify|schema …';

async function match(args: string[]): Promise<number> {
  const u = 'discrun profile match PATH [--json] [--profile FILE]';
  const { values, positionals } = parse(args, { json: { type: 'boolean' }, profile: { type: 'string', multiple: true } }, u);
  needPositional(positionals, 1, u);
  const cat = await loadCatalogue({ extra: values.profile ?? [] });
  for (const p of cat.problems.filter((x) => x.severity === 'error')) warn(t(`Profil ignoré : ${formatProblem(p)}`, `Profile skipped: ${formatProblem(p)}`));
  const disc = await openDisc(positionals[0]!);
  try {
    const insp = await inspectDisc(disc, lang());
    const r = await matchDisc(new ProfileIndex(cat), insp, disc);
    if (values.json) {
      printJson({ profile: r.profile, candidates: r.candidates.map(({ id, matched, unmatched, kind, matches, score }) => ({ id, kind, matches, score, matched, unmatched })), ambiguous: r.ambiguous });
      return 0;
    }
    const lines: string[] = [];
    lines.push(r.profile ? t(`Profil retenu : ${r.profile.id} (${r.profile.kind === 'title' ? 'titre' : 'famille'}, statut ${r.profile.status})`, `Chosen profile: ${r.profile.id} (${r.profile.kind}, status ${r.profile.status})`) : t('Aucun profil ne correspond.', 'No profile matches.'));
    if (r.ambiguous) lines.push(t('Attention : plusieurs profils correspondent autant l’un que l’autre ; lancez discrun profile lint.', 'Warning: several profiles match equally; run discrun profile lint.'));
    for (const c of r.candidates.filter((c) => c.matches || c.kind === 'title')) {
      lines.push(`${c.matches ? '✓' : '✗'} ${c.id} [${c.kind}]`);
      for (const m of c.matched) lines.push(`    + ${m}`);
      for (const m of c.unmatched) lines.push(`    - ${m}`);
    }
    say(lines.join('\n'));
    return 0;
  } finally {
    await disc.close();
  }
}

async function draft(args: string[]): Promise<number> {
  const u = 'discrun profile new PATH [-o FILE] [--force]';
  const { values, positionals } = parse(args, { output: { type: 'string', short: 'o' }, force: { type: 'boolean' } }, u);
  needPositional(positionals, 1, u);
  const cat = await loadCatalogue();
  const disc = await openDisc(positionals[0]!);
  try {
    const insp = await inspectDisc(disc, lang());
    // The engine family gives runner and options; the title profile starts from there.
    const index = new ProfileIndex({ ...cat, profiles: cat.profiles.filter((p) => p.profile.kind === 'engine') });
    const family = (await matchDisc(index, insp, disc)).chosen;
    const d = await draftProfile(disc, insp, family);
    if (values.output) {
      await writeFileAtomic(resolve(values.output), d.yaml, { overwrite: values.force ?? false });
      warn(t(`Profil ${d.id} écrit dans ${values.output}.`, `Profile ${d.id} written to ${values.output}.`));
    } else {
      process.stdout.write(d.yaml);
      warn(t(`Emplacement suggéré : ${d.suggestedPath}`, `Suggested location: ${d.suggestedPath}`));
    }
    return 0;
  } finally {
    await disc.close();
  }
}

async function lint(args: string[]): Promise<number> {
  const u = 'discrun profile lint [FILES…] [--json]';
  const { values, positionals } = parse(args, { json: { type: 'boolean' } }, u);
  const files = positionals.map((p) => resolve(p));
  // Given files are linted against the whole catalogue, so duplicates and overlaps with it show.
  const cat = await loadCatalogue({ extra: files, cacheFile: null });
  const problems = lintCatalogue(cat, files.length ? new Set(files) : undefined);
  const errors = problems.filter((p) => p.severity === 'error');
  if (values.json) printJson({ problems, errors: errors.length, profiles: cat.profiles.length });
  else {
    for (const p of problems) say(formatProblem(p));
    say(t(`${cat.profiles.length} profils lus, ${errors.length} erreur(s), ${problems.length - errors.length} avertissement(s).`, `${cat.profiles.length} profiles read, ${errors.length} error(s), ${problems.length - errors.length} warning(s).`));
  }
  return errors.length ? 1 : 0;
}

async function schema(args: string[]): Promise<number> {
  const u = 'discrun profile schema [-o FILE]';
  const { values } = parse(args, { output: { type: 'string', short: 'o' } }, u);
  const text = JSON.stringify(profileJsonSchema(), null, 2) + '\n';
  if (values.output) await writeFileAtomic(resolve(values.output), text, { overwrite: true });
  else process.stdout.write(text);
  return 0;
}

export const profile: Command = {
  name: 'profile',
  summary: { fr: 'profils : associer, rédiger, vérifier la syntaxe, tester', en: 'profiles: match, draft, lint, verify' },
  usage,
  async run(args) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'match': return match(rest);
      case 'new': return draft(rest);
      case 'lint': return lint(rest);
      case 'schema': return schema(rest);
      case 'verify': {
        const { verify } = await import('./verify.js');
        return verify(rest);
      }
      default:
        throw new DiscrunError('usage', { what: `Usage: ${usage}` });
    }
  },
};
