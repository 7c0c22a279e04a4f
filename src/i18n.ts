/** Language for people-facing sentences: French unless the locale says English. */
export type Lang = 'fr' | 'en';

export function currentLang(env: NodeJS.ProcessEnv = process.env): Lang {
  // POSIX precedence: LC_ALL overrides LC_MESSAGES overrides LANG; LANGUAGE is a GNU preference list.
  const pick = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  const first = (env.LANGUAGE || '').split(':')[0] || pick;
  return /^en([_.@-]|$)/i.test(first) ? 'en' : 'fr';
}
