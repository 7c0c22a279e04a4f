import { decodeAnsi } from './version-info.js';

/** Start pages of web-style discs. */
export const START_PAGES = ['index.htm', 'index.html', 'default.htm', 'default.html', 'start.htm', 'start.html', 'accueil.htm', 'accueil.html', 'menu.htm', 'menu.html', 'home.htm', 'home.html', 'sommaire.htm', 'sommaire.html'];

export interface HtmlEmbeds {
  swf: string[];
  shockwave: string[];
  applets: string[];
  title: string | null;
}

/** SWF and Shockwave files a page embeds (`<embed>`, `<object>`, `<param name=movie>`, swfobject). */
export function htmlEmbeds(buf: Buffer): HtmlEmbeds {
  const text = buf.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])) ? buf.toString('utf8') : /charset=["']?utf-?8/i.test(buf.toString('latin1', 0, 4096)) ? buf.toString('utf8') : decodeAnsi(buf);
  const refs = new Set<string>();
  const re = /(?:src|data|value|movie|href)\s*=\s*["']?([^"'\s>]+\.(?:swf|dcr|dir|dxr))(?:[?#][^"'\s>]*)?["']?|embedSWF\s*\(\s*["']([^"']+\.swf)/gi;
  for (const m of text.matchAll(re)) refs.add((m[1] ?? m[2])!);
  const swf = [...refs].filter((r) => /\.swf$/i.test(r));
  const shockwave = [...refs].filter((r) => /\.(dcr|dir|dxr)$/i.test(r));
  const applets = [...text.matchAll(/<applet[^>]*\bcode\s*=\s*["']?([^"'\s>]+)/gi)].map((m) => m[1]!);
  const title = /<title[^>]*>([^<]{1,200})<\/title>/i.exec(text)?.[1]?.trim() ?? null;
  return { swf, shockwave, applets, title: title || null };
}
