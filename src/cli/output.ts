import { currentLang, type Lang } from '../i18n.js';

/** Prints JSON only on stdout, one document, for scripts. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function say(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

export function warn(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : text + '\n');
}

export function lang(): Lang {
  return currentLang();
}

export function t(fr: string, en: string): string {
  return currentLang() === 'en' ? en : fr;
}
