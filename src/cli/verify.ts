import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { openDisc } from '../disc/index.js';
import { DiscrunError } from '../errors.js';
import { inspectDisc } from '../fingerprint/inspect.js';
import { launch } from '../launch/launch.js';
import { loadCatalogue } from '../profiles/load.js';
import { matchDisc, ProfileIndex } from '../profiles/match.js';
import { appendVerified, suggestStatus } from '../profiles/verify.js';
import { VERSION } from '../version.js';
import { dirs } from '../xdg.js';
import { parse, needPositional } from './command.js';
import { lang, printJson, say, t } from './output.js';

const usage = 'discrun profile verify PATH [--profile FILE] [--timeout S] [--json]';

/**
 * Runs a disc with its profile under a private Xvfb, in a throwaway prefix, with a timeout and a
 * screenshot, then records the result in the profile. The status is a person's decision: it is
 * only suggested.
 */
export async function verify(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { profile: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' } }, usage);
  needPositional(positionals, 1, usage);
  const timeout = Number(values.timeout ?? 20);
  let profilePath = values.profile ? resolve(values.profile) : null;
  if (!profilePath) {
    const disc = await openDisc(positionals[0]!);
    try {
      const insp = await inspectDisc(disc, lang());
      const m = await matchDisc(new ProfileIndex(await loadCatalogue()), insp, disc);
      if (!m.chosen) throw new DiscrunError('usage', { what: t('Aucun profil ne correspond à ce disque : indiquez --profile FICHIER.', 'No profile matches this disc: give --profile FILE.') });
      profilePath = m.chosen.path;
    } finally {
      await disc.close();
    }
  }
  const cat = await loadCatalogue({ dirs: [], extra: [profilePath], cacheFile: null });
  const profile = cat.profiles[0];
  if (!profile) {
    const p = cat.problems[0];
    throw new DiscrunError('profile-invalid', { path: profilePath, what: p ? `${p.line ?? '?'}:${p.col ?? '?'} ${p.message}` : 'unreadable' });
  }
  const shots = join(dirs().state, 'screenshots');
  await mkdir(shots, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const shot = join(shots, `${profile.profile.id}-${stamp}.png`);
  const r = await launch({ path: positionals[0]!, profileFiles: [profilePath], timeoutSec: timeout, screenshot: shot, headless: true, throwaway: true, force: true, lang: lang() });
  if (r.runner === 'none') throw new DiscrunError('cannot-run', { fr: r.message, en: r.message });
  const record = {
    date: new Date().toISOString().slice(0, 10),
    discrun: VERSION,
    runner: r.runner,
    runnerVersion: r.runnerVersion ?? null,
    result: r.outcome,
    note: r.message,
    ...(r.screenshot ? { screenshot: r.screenshot } : {}),
  };
  await appendVerified(profilePath, record);
  const suggestion = suggestStatus(r.outcome, profile.profile.status);
  if (values.json) printJson({ profile: profile.profile.id, path: profilePath, record, suggestedStatus: suggestion });
  else {
    say(t(`${profile.profile.id} : ${r.message}`, `${profile.profile.id}: ${r.message}`));
    if (r.screenshot) say(t(`Capture : ${r.screenshot}`, `Screenshot: ${r.screenshot}`));
    say(t(`Vérification ajoutée à ${profilePath}.`, `Verification recorded in ${profilePath}.`));
    if (suggestion) say(t(`Suggestion : regardez la capture puis passez le statut de ${profile.profile.status} à ${suggestion} si c’est juste.`, `Suggestion: look at the screenshot, then change the status from ${profile.profile.status} to ${suggestion} if that is right.`));
  }
  return r.outcome === 'crashed' || r.outcome === 'refused' ? 1 : 0;
}
