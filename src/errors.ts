import { currentLang, type Lang } from './i18n.js';

/**
 * Every failure a person may see is one of these codes, rendered as one sentence in French or
 * English. The CLI prints only that sentence (the stack only with --debug).
 */
type Params = Record<string, string | number>;
type Render = (p: Params) => string;

const MESSAGES = {
  'not-found': { fr: (p) => `Introuvable : ${p.path}.`, en: (p) => `Not found: ${p.path}.` },
  'permission-denied': { fr: (p) => `Accès refusé à ${p.path}.`, en: (p) => `Permission denied: ${p.path}.` },
  'unreadable': { fr: (p) => `Impossible de lire ${p.path} (${p.reason}).`, en: (p) => `Cannot read ${p.path} (${p.reason}).` },
  'unknown-format': {
    fr: (p) => `${p.path} n'est pas une image de disque reconnue (ni ISO 9660, ni UDF, ni HFS).`,
    en: (p) => `${p.path} is not a recognised disc image (not ISO 9660, UDF or HFS).`,
  },
  'audio-cd': {
    fr: (p) => `${p.path} est un CD audio : il ne contient aucun programme à lancer.`,
    en: (p) => `${p.path} is an audio CD: it holds no program to run.`,
  },
  'truncated': {
    fr: (p) => `L'image ${p.path} est tronquée : ${p.what} dépasse la fin du fichier.`,
    en: (p) => `The image ${p.path} is truncated: ${p.what} lies past the end of the file.`,
  },
  'corrupt': { fr: (p) => `L'image ${p.path} est endommagée : ${p.what}.`, en: (p) => `The image ${p.path} is damaged: ${p.what}.` },
  'loop': {
    fr: (p) => `L'image ${p.path} est endommagée : le dossier ${p.dir} se contient lui-même.`,
    en: (p) => `The image ${p.path} is damaged: directory ${p.dir} contains itself.`,
  },
  'unsafe-name': {
    fr: (p) => `L'image ${p.path} contient un nom de fichier dangereux (${p.name}).`,
    en: (p) => `The image ${p.path} contains an unsafe file name (${p.name}).`,
  },
  'too-large': {
    fr: (p) => `L'image ${p.path} annonce une taille absurde (${p.what}).`,
    en: (p) => `The image ${p.path} declares an absurd size (${p.what}).`,
  },
  'not-a-file': { fr: (p) => `${p.path} est un dossier, pas un fichier.`, en: (p) => `${p.path} is a directory, not a file.` },
  'not-a-directory': { fr: (p) => `${p.path} n'est pas un dossier.`, en: (p) => `${p.path} is not a directory.` },
  'ejected': {
    fr: (p) => `Le disque ${p.path} a été retiré pendant la lecture.`,
    en: (p) => `The disc ${p.path} was removed while being read.`,
  },
  'bad-cue': { fr: (p) => `Le fichier CUE ${p.path} est invalide : ${p.what}.`, en: (p) => `The CUE sheet ${p.path} is invalid: ${p.what}.` },
  'tool-missing': {
    fr: (p) => `L'outil ${p.tool} n'est pas installé ; lancez scripts/setup.`,
    en: (p) => `The tool ${p.tool} is not installed; run scripts/setup.`,
  },
  'usage': { fr: (p) => `${p.what}`, en: (p) => `${p.what}` },
  'profile-invalid': {
    fr: (p) => `Le profil ${p.path} est invalide : ${p.what}.`,
    en: (p) => `The profile ${p.path} is invalid: ${p.what}.`,
  },
  'no-sandbox': {
    fr: () => `Le bac à sable bubblewrap (bwrap) est absent : installez-le, ou relancez avec --no-sandbox en connaissance de cause.`,
    en: () => `The bubblewrap sandbox (bwrap) is missing: install it, or run again with --no-sandbox knowingly.`,
  },
  'cannot-run': { fr: (p) => `${p.fr}`, en: (p) => `${p.en}` },
  'already-running': {
    fr: () => `Ce disque est déjà lancé.`,
    en: () => `This disc is already running.`,
  },
  'busy': { fr: (p) => `${p.what} est déjà en cours.`, en: (p) => `${p.what} is already running.` },
  'config-invalid': {
    fr: (p) => `La configuration ${p.path} est invalide : ${p.what}.`,
    en: (p) => `The configuration ${p.path} is invalid: ${p.what}.`,
  },
  'file-exists': {
    fr: (p) => `${p.path} existe déjà : rien n'a été écrit (--force pour le remplacer).`,
    en: (p) => `${p.path} already exists: nothing was written (--force replaces it).`,
  },
  'write-failed': {
    fr: (p) => `Impossible d'écrire ${p.path} (${p.reason}).`,
    en: (p) => `Cannot write ${p.path} (${p.reason}).`,
  },
} satisfies Record<string, Record<Lang, Render>>;

export type ErrorCode = keyof typeof MESSAGES;

export class DiscrunError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly params: Params = {},
    options?: { cause?: unknown },
  ) {
    super(MESSAGES[code].en(params), options);
    this.name = 'DiscrunError';
  }

  sentence(lang: Lang = currentLang()): string {
    return MESSAGES[this.code][lang](this.params);
  }
}

/** A reader failure: the image or folder is bad, not discrun. */
export class DiscError extends DiscrunError {
  override name = 'DiscError';
}

export function isDiscrunError(e: unknown): e is DiscrunError {
  return e instanceof DiscrunError;
}

/** Maps Node's fs errors to a person-readable error about `path`. */
export function fromFsError(e: unknown, path: string): DiscrunError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new DiscError('not-found', { path }, { cause: e });
  if (code === 'EACCES' || code === 'EPERM') return new DiscError('permission-denied', { path }, { cause: e });
  if (code === 'ENOMEDIUM' || code === 'ENXIO' || code === 'ENODEV') return new DiscError('ejected', { path }, { cause: e });
  if (code === 'EISDIR') return new DiscError('not-a-file', { path }, { cause: e });
  if (code === 'ELOOP') return new DiscError('loop', { path, dir: path }, { cause: e });
  return new DiscError('unreadable', { path, reason: code ?? String((e as Error)?.message ?? e) }, { cause: e });
}
