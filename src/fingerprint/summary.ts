import type { Lang } from '../i18n.js';
import { VERSION } from '../version.js';
import type { Inspection } from './types.js';

const ENGINE_NAMES: Record<string, string> = {
  director: 'Macromedia Director', flash: 'Flash', authorware: 'Authorware', toolbook: 'ToolBook', clickteam: 'Clickteam',
  mtropolis: 'mTropolis', coktel: 'Coktel Vision', vb: 'Visual Basic', html: 'HTML', native: '', unknown: '',
};

const PLATFORM: Record<string, Record<Lang, string>> = {
  win32: { fr: 'Windows 32 bits', en: '32-bit Windows' },
  win16: { fr: 'Windows 16 bits', en: '16-bit Windows' },
  dos: { fr: 'DOS', en: 'DOS' },
  web: { fr: 'pages web', en: 'web pages' },
  mac: { fr: 'Macintosh', en: 'Macintosh' },
  'dvd-video': { fr: 'DVD vidéo', en: 'DVD-Video' },
  unknown: { fr: 'inconnue', en: 'unknown' },
};

const RUNNERS: Record<string, Record<Lang, string>> = {
  wine: { fr: 'Wine', en: 'Wine' },
  dosbox: { fr: 'DOSBox', en: 'DOSBox' },
  ruffle: { fr: 'Ruffle (Flash) dans une fenêtre de navigateur', en: 'Ruffle (Flash) in a browser window' },
  scummvm: { fr: 'ScummVM', en: 'ScummVM' },
  none: { fr: 'aucun', en: 'none' },
};

export function engineLabel(i: Inspection, lang: Lang): string {
  const name = ENGINE_NAMES[i.engine.id] ?? i.engine.id;
  const v = i.engine.version ? ` ${i.engine.id === 'flash' ? 'SWF v' + i.engine.version : i.engine.version}` : '';
  const as3 = i.engine.id === 'flash' ? (i.engine.as3 ? ', ActionScript 3' : ', ActionScript 1/2') : '';
  const native = i.engine.id === 'native' ? (lang === 'fr' ? 'programme natif' : 'native program') : i.engine.id === 'unknown' ? (lang === 'fr' ? 'non reconnue' : 'not recognised') : '';
  const is64 = i.risks.some((r) => r.id === '64-bit');
  const platform = is64 ? (lang === 'fr' ? 'Windows 64 bits' : '64-bit Windows') : PLATFORM[i.platform]![lang];
  return `${name}${v}${as3}${native}`.trim() + ` (${platform})`;
}

/** A few lines a person reads: what the disc is and what discrun will do with it. */
export function summary(i: Inspection, lang: Lang): string {
  const L = (fr: string, en: string) => (lang === 'fr' ? fr : en);
  const lines: string[] = [];
  const fs = i.volume.filesystems.join(', ') || i.source.kind;
  lines.push(`${L('Disque', 'Disc')} : ${i.volume.label ?? L('(sans nom)', '(no label)')}  [${fs}]`);
  const who = [i.publisher, i.year].filter(Boolean).join(', ');
  lines.push(`${L('Titre', 'Title')} : ${i.title ?? L('inconnu', 'unknown')}${who ? ` — ${who}` : ''}`);
  lines.push(`${L('Technologie', 'Technology')} : ${engineLabel(i, lang)}`);
  lines.push(`${L('À lancer', 'Launch')} : ${i.entry ? `${i.entry.path}${i.entry.args.length ? ' ' + i.entry.args.join(' ') : ''} (${i.entry.from === 'autorun' ? 'AUTORUN.INF' : L('deviné', 'guessed')})` : L('rien trouvé', 'nothing found')}`);
  if (i.installer) lines.push(`${L('Installateur', 'Installer')} : ${i.installer.path} (${i.installer.type})`);
  if (i.protection.length) lines.push(`${L('Protection', 'Protection')} : ${i.protection.join(', ')}`);
  lines.push(`${L('Moteur proposé', 'Proposed engine')} : ${RUNNERS[i.runner]![lang]}`);
  if (i.risks.length) {
    lines.push(L('Points d’attention :', 'Watch out for:'));
    for (const r of i.risks) lines.push(`  - ${r.message}`);
  }
  lines.push(`${L('Empreinte', 'Fingerprint')} : ${i.fingerprint.id}`);
  return lines.join('\n');
}

/**
 * The unknown-disc report a teacher sends to a technician (after ScummVM's unknown-variant
 * report): enough to write a profile, and nothing about the machine or its user.
 */
export function unknownDiscReport(i: Inspection, lang: Lang): string {
  const L = (fr: string, en: string) => (lang === 'fr' ? fr : en);
  const out: string[] = [];
  out.push(L('Rapport de disque pour discrun', 'Disc report for discrun'));
  out.push('='.repeat(32));
  out.push(`discrun ${VERSION}`);
  out.push(`${L('Empreinte', 'Fingerprint')}: ${i.fingerprint.id}`);
  out.push(`${L('Type de source', 'Source kind')}: ${i.source.kind}`);
  out.push('');
  out.push(L('Volume', 'Volume'));
  out.push(`  label: ${i.volume.label ?? '-'}`);
  out.push(`  publisher: ${i.volume.publisher ?? '-'}`);
  out.push(`  preparer: ${i.volume.preparer ?? '-'}`);
  out.push(`  application: ${i.volume.application ?? '-'}`);
  out.push(`  created: ${i.volume.created ?? '-'}`);
  out.push(`  filesystems: ${i.volume.filesystems.join(', ') || '-'}`);
  if (i.volume.macName) out.push(`  mac: ${i.volume.macName}`);
  out.push('');
  out.push(L('Détection', 'Detection'));
  out.push(`  platform: ${i.platform}`);
  out.push(`  engine: ${i.engine.id}${i.engine.version ? ' ' + i.engine.version : ''}${i.engine.id === 'flash' ? (i.engine.as3 ? ' AS3' : ' AS1/2') : ''}`);
  out.push(`  entry: ${i.entry ? `${i.entry.path} ${i.entry.args.join(' ')} (${i.entry.from})`.trim() : '-'}`);
  out.push(`  installer: ${i.installer ? `${i.installer.type} ${i.installer.path}` : '-'}`);
  out.push(`  protection: ${i.protection.join(', ') || '-'}`);
  out.push(`  publisher/title/year: ${i.publisher ?? '-'} / ${i.title ?? '-'} / ${i.year ?? '-'}`);
  out.push(`  runner: ${i.runner}`);
  for (const e of i.engine.evidence) out.push(`  evidence: ${e}`);
  for (const r of i.risks) out.push(`  risk ${r.id}: ${r.message}`);
  out.push('');
  out.push(L('Fichiers clés (taille, md5 des 5000 premiers octets, md5 des 5000 derniers)', 'Key files (size, md5 of the first 5000 bytes, md5 of the last 5000)'));
  for (const f of i.fingerprint.files) out.push(`  ${f.path}  ${f.size}  ${f.md5}  t:${f.tailMd5}`);
  out.push('');
  return out.join('\n');
}
