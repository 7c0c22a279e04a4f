import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Lang } from '../i18n.js';
import type { ScanRow } from './row.js';

export interface Summary {
  total: number;
  ok: number;
  errors: number;
  byVerdict: Record<string, number>;
  byStatus: Record<string, number>;
  byEngine: Record<string, number>;
  byRunner: Record<string, number>;
  byPlatform: Record<string, number>;
  byDecade: Record<string, number>;
  byPublisher: Record<string, number>;
  smoke: Record<string, number>;
}

export function emptySummary(): Summary {
  return { total: 0, ok: 0, errors: 0, byVerdict: {}, byStatus: {}, byEngine: {}, byRunner: {}, byPlatform: {}, byDecade: {}, byPublisher: {}, smoke: {} };
}

const bump = (m: Record<string, number>, k: string | null | undefined) => {
  const key = k ?? 'unknown';
  m[key] = (m[key] ?? 0) + 1;
};

/** Counters only: the summary stays the same size however many discs go through it. */
export function addToSummary(s: Summary, r: ScanRow): void {
  s.total++;
  if (r.ok) s.ok++;
  else s.errors++;
  bump(s.byVerdict, r.verdict);
  if (!r.ok) return;
  bump(s.byStatus, r.profile ? `${r.profile.kind}:${r.profile.status}` : 'none');
  bump(s.byEngine, r.engine);
  bump(s.byRunner, r.runner);
  bump(s.byPlatform, r.platform);
  bump(s.byDecade, r.decade);
  bump(s.byPublisher, r.publisher);
  if (r.smoke) bump(s.smoke, r.smoke.outcome);
}

export async function* readJournal(path: string): AsyncGenerator<ScanRow> {
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) if (line.trim()) yield JSON.parse(line) as ScanRow;
}

function write(out: WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => (out.write(text) ? resolve() : out.once('drain', resolve)));
}

async function closeAndMove(out: WriteStream, tmp: string, path: string): Promise<void> {
  await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
  await rename(tmp, path);
}

export interface ReportMeta {
  generated: string;
  discrun: string;
  partial: boolean;
  roots: string[];
  shard: string | null;
  smoke: boolean;
  /** Discs taken from the result cache (unchanged since the last scan). */
  cached: number;
}

/** The JSON report, rows streamed from the journal (memory does not grow with the collection). */
export async function writeJsonReport(path: string, meta: ReportMeta, summary: Summary, rows: AsyncIterable<ScanRow>): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  const out = createWriteStream(tmp);
  await write(out, `{"format":"discrun-scan","version":1,${JSON.stringify(meta).slice(1, -1)},"summary":${JSON.stringify(summary)},"discs":[\n`);
  let first = true;
  for await (const r of rows) {
    await write(out, (first ? '' : ',\n') + JSON.stringify(r));
    first = false;
  }
  await write(out, '\n]}\n');
  await closeAndMove(out, tmp, path);
}

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const T = {
  fr: {
    title: 'Rapport discrun', discs: 'disques', works: 'fonctionne', probably: 'devrait fonctionner', risky: 'à risque', no: 'ne fonctionne pas', error: 'illisible',
    filter: 'Filtrer…', all: 'tout', colTitle: 'Titre', colPublisher: 'Éditeur', colYear: 'Année', colEngine: 'Technologie', colRunner: 'Moteur', colProfile: 'Profil',
    colVerdict: 'Verdict', colRisks: 'Points d’attention', colFile: 'Fichier', colSmoke: 'Essai', partial: 'Rapport partiel : le scan a été interrompu.',
    generated: 'Produit le', byEngine: 'Par technologie', byRunner: 'Par moteur', byDecade: 'Par décennie', byStatus: 'Par statut de profil', byPublisher: 'Par éditeur',
  },
  en: {
    title: 'discrun report', discs: 'discs', works: 'works', probably: 'should work', risky: 'risky', no: 'does not work', error: 'unreadable',
    filter: 'Filter…', all: 'all', colTitle: 'Title', colPublisher: 'Publisher', colYear: 'Year', colEngine: 'Technology', colRunner: 'Engine', colProfile: 'Profile',
    colVerdict: 'Verdict', colRisks: 'Watch out for', colFile: 'File', colSmoke: 'Smoke test', partial: 'Partial report: the scan was interrupted.',
    generated: 'Generated', byEngine: 'By technology', byRunner: 'By engine', byDecade: 'By decade', byStatus: 'By profile status', byPublisher: 'By publisher',
  },
} as const;

const COLORS: Record<string, string> = { works: '#2e7d32', probably: '#558b2f', risky: '#ef6c00', no: '#c62828', error: '#6d4c41' };

function counts(title: string, m: Record<string, number>, limit = 12): string {
  const items = Object.entries(m).sort((a, b) => b[1] - a[1]).slice(0, limit);
  return `<div class="box"><h3>${esc(title)}</h3><ul>${items.map(([k, v]) => `<li><span>${esc(k)}</span><b>${v}</b></li>`).join('')}</ul></div>`;
}

/**
 * One self-contained HTML file (inline CSS and script, icons and thumbnails as data URIs) that
 * opens offline: a summary, and a table that sorts by clicking a header and filters by text,
 * verdict, engine and runner.
 */
export async function writeHtmlReport(path: string, meta: ReportMeta, summary: Summary, rows: AsyncIterable<ScanRow>, lang: Lang): Promise<void> {
  const t = T[lang];
  const tmp = `${path}.${process.pid}.tmp`;
  const out = createWriteStream(tmp);
  const verdicts = ['works', 'probably', 'risky', 'no', 'error'] as const;
  const options = (m: Record<string, number>) => Object.keys(m).sort().map((k) => `<option>${esc(k)}</option>`).join('');
  await write(out, `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${esc(t.title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
header{padding:16px 24px;background:#1e3a5f;color:#fff}header h1{margin:0 0 4px;font-size:22px}
.cards{display:flex;gap:12px;flex-wrap:wrap;padding:16px 24px}.card{background:#fff;border-radius:8px;padding:10px 16px;box-shadow:0 1px 3px #0002;min-width:120px}
.card b{display:block;font-size:26px}.boxes{display:flex;gap:12px;flex-wrap:wrap;padding:0 24px 12px}.box{background:#fff;border-radius:8px;padding:8px 14px;box-shadow:0 1px 3px #0002;min-width:180px}
.box h3{margin:4px 0;font-size:13px;color:#555}.box ul{list-style:none;margin:0;padding:0}.box li{display:flex;justify-content:space-between;gap:12px}
.tools{padding:8px 24px;display:flex;gap:8px;flex-wrap:wrap}.tools input,.tools select{padding:6px;font-size:14px}
table{border-collapse:collapse;margin:0 24px 24px;background:#fff;box-shadow:0 1px 3px #0002}th,td{padding:6px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
th{background:#eef2f7;cursor:pointer;position:sticky;top:0}th:after{content:" ↕";color:#aaa}td.v span{color:#fff;border-radius:4px;padding:1px 6px;white-space:nowrap}
td.f{font-family:monospace;font-size:12px;color:#666;max-width:280px;overflow-wrap:anywhere}ul.r{margin:0;padding-left:16px;font-size:12px}img.i{width:32px;height:32px}img.s{max-width:160px;border:1px solid #ccc}
.partial{background:#fff3cd;padding:8px 24px}
</style></head><body>
<header><h1>${esc(t.title)}</h1><div>${esc(t.generated)} ${esc(meta.generated.slice(0, 16).replace('T', ' '))} · discrun ${esc(meta.discrun)} · ${esc(meta.roots.join(', '))}${meta.shard ? ` · shard ${esc(meta.shard)}` : ''}</div></header>
${meta.partial ? `<div class="partial">${esc(t.partial)}</div>` : ''}
<div class="cards"><div class="card"><b>${summary.total}</b>${esc(t.discs)}</div>${verdicts.map((v) => `<div class="card" style="border-top:4px solid ${COLORS[v]}"><b>${summary.byVerdict[v] ?? 0}</b>${esc(t[v])}</div>`).join('')}</div>
<div class="boxes">${counts(t.byEngine, summary.byEngine)}${counts(t.byRunner, summary.byRunner)}${counts(t.byDecade, summary.byDecade)}${counts(t.byStatus, summary.byStatus)}${counts(t.byPublisher, summary.byPublisher)}</div>
<div class="tools"><input id="q" placeholder="${esc(t.filter)}" size="30">
<select id="fv"><option value="">${esc(t.colVerdict)}: ${esc(t.all)}</option>${verdicts.map((v) => `<option value="${v}">${esc(t[v])}</option>`).join('')}</select>
<select id="fe"><option value="">${esc(t.colEngine)}: ${esc(t.all)}</option>${options(summary.byEngine)}</select>
<select id="fr"><option value="">${esc(t.colRunner)}: ${esc(t.all)}</option>${options(summary.byRunner)}</select>
<span id="n"></span></div>
<table id="t"><thead><tr><th></th><th>${esc(t.colTitle)}</th><th>${esc(t.colPublisher)}</th><th>${esc(t.colYear)}</th><th>${esc(t.colEngine)}</th><th>${esc(t.colRunner)}</th><th>${esc(t.colProfile)}</th><th>${esc(t.colVerdict)}</th><th>${esc(t.colRisks)}</th>${meta.smoke ? `<th>${esc(t.colSmoke)}</th>` : ''}<th>${esc(t.colFile)}</th></tr></thead><tbody>
`);
  for await (const r of rows) {
    const engine = r.engine ? `${r.engine}${r.engineVersion ? ' ' + r.engineVersion : ''}${r.as3 ? ' AS3' : ''}` : '';
    const risks = r.error ? [r.error.message] : r.risks.map((x) => x.message);
    const smoke = meta.smoke ? `<td>${r.smoke ? `${r.smoke.thumbnail ? `<img class="s" src="${esc(r.smoke.thumbnail)}" alt=""><br>` : ''}${esc(r.smoke.outcome)} (${r.smoke.seconds.toFixed(0)} s)` : ''}</td>` : '';
    await write(out, `<tr data-verdict="${esc(r.verdict)}" data-engine="${esc(r.engine ?? '')}" data-runner="${esc(r.runner)}"><td>${r.icon ? `<img class="i" src="${esc(r.icon)}" alt="">` : ''}</td><td>${esc(r.title ?? r.label ?? '')}</td><td>${esc(r.publisher ?? '')}</td><td>${esc(r.year ?? '')}</td><td>${esc(engine)}</td><td>${esc(r.runner)}</td><td>${r.profile ? `${esc(r.profile.id)} <small>(${esc(r.profile.status)})</small>` : ''}</td><td class="v"><span style="background:${COLORS[r.verdict]}">${esc(t[r.verdict])}</span></td><td><ul class="r">${risks.map((m) => `<li>${esc(m)}</li>`).join('')}</ul></td>${smoke}<td class="f">${esc(r.rel)}</td></tr>\n`);
  }
  await write(out, `</tbody></table>
<script>
(function(){
var tb=document.querySelector('#t tbody'),q=document.getElementById('q'),fv=document.getElementById('fv'),fe=document.getElementById('fe'),fr=document.getElementById('fr'),n=document.getElementById('n');
function apply(){var s=q.value.toLowerCase(),k=0;for(var i=0;i<tb.rows.length;i++){var r=tb.rows[i],d=r.dataset,ok=(!s||r.textContent.toLowerCase().indexOf(s)>=0)&&(!fv.value||d.verdict===fv.value)&&(!fe.value||d.engine===fe.value)&&(!fr.value||d.runner===fr.value);r.style.display=ok?'':'none';if(ok)k++;}n.textContent=k+' / '+tb.rows.length;}
[q,fv,fe,fr].forEach(function(e){e.addEventListener('input',apply);e.addEventListener('change',apply);});
document.querySelectorAll('#t th').forEach(function(th,col){var asc=true;th.addEventListener('click',function(){var rows=[].slice.call(tb.rows);rows.sort(function(a,b){var x=a.cells[col].textContent.trim(),y=b.cells[col].textContent.trim(),nx=parseFloat(x),ny=parseFloat(y);var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y,'${lang}');return asc?c:-c;});asc=!asc;rows.forEach(function(r){tb.appendChild(r);});});});
apply();
})();
</script></body></html>
`);
  await closeAndMove(out, tmp, path);
}
