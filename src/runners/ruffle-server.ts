/**
 * Runs inside the sandbox for the Ruffle runner: a web server on 127.0.0.1 (the sandbox's own
 * loopback, unreachable from outside) that serves only the disc's files and Ruffle's web build,
 * and the browser window that shows them. Exits with the browser.
 *
 *   node ruffle-server.js CONFIG.json
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

export interface RuffleServerConfig {
  /** Disc root, for HTML start pages and the files they load. */
  root: string | null;
  /** Page to open inside root (HTML discs). */
  startPage: string | null;
  /** The SWF to play (a bare SWF or one cut out of a projector). */
  swf: string | null;
  ruffleDir: string;
  chromium: string;
  profileDir: string;
  width: number;
  height: number;
  scale: string;
  quality: string;
  title: string;
  /** Extra browser flags (e.g. --disable-gpu on a virtual screen). */
  flags: string[];
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.htm': 'text/html; charset=windows-1252', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.swf': 'application/x-shockwave-flash', '.css': 'text/css', '.png': 'image/png', '.gif': 'image/gif', '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg', '.bmp': 'image/bmp', '.txt': 'text/plain', '.xml': 'text/xml', '.mp3': 'audio/mpeg', '.wav': 'audio/wav',
  '.json': 'application/json', '.map': 'application/json', '.ico': 'image/x-icon', '.svg': 'image/svg+xml',
};

function rufflConfig(c: RuffleServerConfig): string {
  return JSON.stringify({
    publicPath: '/__ruffle/', autoplay: 'on', splashScreen: false, unmuteOverlay: 'hidden', letterbox: 'on', scale: c.scale.toLowerCase(),
    quality: c.quality, contextMenu: 'off', warnOnUnsupportedContent: false, openUrlMode: 'deny', allowNetworking: 'none', logLevel: 'warn',
  });
}

/** Reports to the server what Ruffle did: loaded (with the movie's size), the first frame, or a panic. */
const WATCH = `
<script>
(function () {
  var t0 = performance.now();
  function tell(e, extra) { fetch('/__discrun/event?e=' + e + '&ms=' + Math.round(performance.now() - t0) + (extra || '')).catch(function () {}); }
  function watch(p) {
    if (p.__discrun) return; p.__discrun = true;
    p.addEventListener('loadedmetadata', function () {
      var m = (p.ruffle && p.ruffle().metadata) || p.metadata || {};
      tell('loaded', '&w=' + (m.width || 0) + '&h=' + (m.height || 0) + '&v=' + (m.swfVersion || 0));
      requestAnimationFrame(function () { requestAnimationFrame(function () { tell('frame'); }); });
    });
    var poll = setInterval(function () {
      if (p.shadowRoot && p.shadowRoot.getElementById('panic')) { clearInterval(poll); tell('panic'); }
    }, 500);
  }
  new MutationObserver(function () { document.querySelectorAll('ruffle-player, ruffle-embed, ruffle-object').forEach(watch); })
    .observe(document.documentElement, { childList: true, subtree: true });
})();
</script>`;

function playerPage(c: RuffleServerConfig): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${c.title.replace(/[<&]/g, '')}</title>
<style>html,body{margin:0;height:100%;background:#000;overflow:hidden}ruffle-player{display:block;width:100vw;height:100vh}</style>
<script>window.RufflePlayer = { config: ${rufflConfig(c)} };</script>
<script src="/__ruffle/ruffle.js"></script>${WATCH}</head><body>
<script>
window.addEventListener('DOMContentLoaded', function () {
  var player = window.RufflePlayer.newest().createPlayer();
  document.body.appendChild(player);
  player.ruffle().load('/__discrun/movie.swf');
});
</script></body></html>`;
}

/** Ruffle's polyfill goes into every page of an HTML disc, so its <embed>/<object> Flash plays. */
function inject(html: string, c: RuffleServerConfig): string {
  const tag = `<script>window.RufflePlayer = { config: ${rufflConfig(c)} };</script><script src="/__ruffle/ruffle.js"></script>${WATCH}`;
  return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (m) => m + tag) : tag + html;
}

/** A file below `base`, or null: no path may climb out of the disc. */
async function inside(base: string, urlPath: string): Promise<string | null> {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath.split('?')[0]!);
  } catch {
    return null;
  }
  const p = resolve(base, '.' + normalize('/' + rel));
  if (p !== base && !p.startsWith(base + sep)) return null;
  const st = await stat(p).catch(() => null);
  if (st?.isFile()) return p;
  // Windows discs link to files in any case: find the real spelling, one segment at a time.
  let cur = base;
  for (const seg of rel.split('/').filter(Boolean)) {
    const { readdir } = await import('node:fs/promises');
    const names = await readdir(cur).catch(() => [] as string[]);
    const hit = names.find((n) => n.toLowerCase() === seg.toLowerCase());
    if (!hit) return null;
    cur = join(cur, hit);
  }
  return (await stat(cur).catch(() => null))?.isFile() ? cur : null;
}

async function main(): Promise<number> {
  const c = JSON.parse(await readFile(process.argv[2]!, 'utf8')) as RuffleServerConfig;
  let browser: ReturnType<typeof spawn> | null = null;
  let failure = 0;
  const send = async (res: ServerResponse, file: string, transform?: (s: string) => string) => {
    const type = MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
    if (transform) {
      const text = (await readFile(file)).toString('latin1');
      res.writeHead(200, { 'content-type': type });
      res.end(Buffer.from(transform(text), 'latin1'));
      return;
    }
    res.writeHead(200, { 'content-type': type });
    createReadStream(file).pipe(res);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = req.url ?? '/';
      if (url.startsWith('/__discrun/event')) {
        const q = new URL(url, 'http://x').searchParams;
        process.stdout.write(`discrun-ruffle ${q.get('e')} ms=${q.get('ms')}${q.get('w') ? ` size=${q.get('w')}x${q.get('h')} swf=${q.get('v')}` : ''} at=${Date.now()}\n`);
        if (q.get('e') === 'panic') {
          failure = 3;
          browser?.kill('SIGTERM');
        }
        res.writeHead(204).end();
        return;
      }
      if (url === '/__discrun/player.html') return void res.writeHead(200, { 'content-type': MIME['.html']! }).end(playerPage(c));
      if (url === '/__discrun/movie.swf' && c.swf) return send(res, c.swf);
      if (url.startsWith('/__ruffle/')) {
        const f = await inside(c.ruffleDir, url.slice('/__ruffle'.length));
        return f ? send(res, f) : void res.writeHead(404).end();
      }
      if (c.root) {
        const f = await inside(c.root, url === '/' ? '/' + (c.startPage ?? 'index.html') : url);
        if (f) return /\.html?$/i.test(f) ? send(res, f, (s) => inject(s, c)) : send(res, f);
      }
      res.writeHead(404).end();
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const page = c.swf ? '/__discrun/player.html' : '/' + encodeURI(c.startPage ?? '');
  const url = `http://127.0.0.1:${port}${page}`;
  process.stdout.write(`discrun-ruffle serving ${url}\n`);
  browser = spawn(c.chromium, [
    `--app=${url}`,
    `--user-data-dir=${c.profileDir}`,
    `--window-size=${c.width},${c.height}`,
    '--window-position=0,0',
    '--no-first-run', '--no-default-browser-check', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--disable-features=Translate,MediaRouter,OptimizationHints', '--disable-dev-shm-usage',
    '--autoplay-policy=no-user-gesture-required', '--password-store=basic', '--no-sandbox', '--test-type',
    ...c.flags,
  ], { stdio: ['ignore', 'inherit', 'inherit'] });
  const stop = () => browser?.kill('SIGTERM');
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const code = await new Promise<number>((r) => browser!.once('exit', (code) => r(code ?? 1)));
  server.close();
  return failure || code;
}

main().then((code) => process.exit(code), (e) => {
  process.stderr.write(`discrun-ruffle: ${String(e)}\n`);
  process.exit(1);
});
