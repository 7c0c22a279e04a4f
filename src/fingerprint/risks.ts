import { currentLang, type Lang } from '../i18n.js';

export type RiskId =
  | '16-bit' | '256-colours' | 'quicktime' | 'copy-protection' | 'as3' | 'installer-first' | 'heuristic-entry'
  | 'no-entry' | 'mac-only' | 'dvd-video' | '64-bit' | 'unknown-engine' | 'shockwave' | 'java' | 'dos-extender';

export interface Risk {
  id: RiskId;
  message: string;
}

const TEXT: Record<RiskId, Record<Lang, (d: string) => string>> = {
  '16-bit': {
    fr: () => 'Programme Windows 16 bits : il faut la partie 32 bits de Wine (wine32).',
    en: () => '16-bit Windows program: needs the 32-bit half of Wine (wine32).',
  },
  '256-colours': {
    fr: () => 'Titre conçu pour 640×480 en 256 couleurs : prévoir un bureau virtuel Wine.',
    en: () => 'Made for 640×480 in 256 colours: a Wine virtual desktop is advisable.',
  },
  quicktime: {
    fr: (d) => `Utilise QuickTime (${d}) : les vidéos peuvent ne pas s'afficher.`,
    en: (d) => `Uses QuickTime (${d}): videos may not play.`,
  },
  'copy-protection': {
    fr: (d) => `Protection anticopie (${d}) : Wine ne peut pas charger ses pilotes, le disque risque de refuser de démarrer.`,
    en: (d) => `Copy protection (${d}): Wine cannot load its drivers, the disc may refuse to start.`,
  },
  as3: {
    fr: () => 'Flash ActionScript 3 : Ruffle ne le gère qu’en partie.',
    en: () => 'Flash ActionScript 3: Ruffle supports it only in part.',
  },
  'installer-first': {
    fr: (d) => `Il faut d'abord lancer l'installateur (${d}).`,
    en: (d) => `An installer must run first (${d}).`,
  },
  'heuristic-entry': {
    fr: (d) => `Pas d'AUTORUN.INF : le programme à lancer (${d}) a été deviné.`,
    en: (d) => `No AUTORUN.INF: the program to launch (${d}) was guessed.`,
  },
  'no-entry': {
    fr: () => 'Aucun programme à lancer n’a été trouvé sur le disque.',
    en: () => 'No program to launch was found on the disc.',
  },
  'mac-only': {
    fr: () => 'Disque uniquement pour Macintosh : il ne peut pas fonctionner ici.',
    en: () => 'Macintosh-only disc: it cannot run here.',
  },
  'dvd-video': {
    fr: () => 'DVD vidéo : ouvrez-le avec un lecteur vidéo.',
    en: () => 'DVD-Video: open it with a video player.',
  },
  '64-bit': {
    fr: () => 'Programme Windows 64 bits : il faut un préfixe Wine 64 bits.',
    en: () => '64-bit Windows program: needs a 64-bit Wine prefix.',
  },
  'unknown-engine': {
    fr: () => 'Technologie non reconnue : le lancement se fera comme un programme Windows ordinaire.',
    en: () => 'Technology not recognised: it will be launched as a plain Windows program.',
  },
  shockwave: {
    fr: () => 'Contenu Shockwave dans une page web : aucun lecteur libre ne le lit.',
    en: () => 'Shockwave content in a web page: no free player reads it.',
  },
  java: {
    fr: () => 'Utilise Java (applets ou .jar) : un environnement Java ancien peut être nécessaire.',
    en: () => 'Uses Java (applets or .jar): an old Java runtime may be needed.',
  },
  'dos-extender': {
    fr: (d) => `Programme DOS protégé (${d}) : fonctionne dans DOSBox.`,
    en: (d) => `Protected-mode DOS program (${d}): runs in DOSBox.`,
  },
};

export function risk(id: RiskId, detail = '', lang: Lang = currentLang()): Risk {
  return { id, message: TEXT[id][lang](detail) };
}
