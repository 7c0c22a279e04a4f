import { decodeAnsi } from './version-info.js';

/** AUTORUN.INF as real discs write it: any case, spaces around `=`, quotes or none, `\` or `/`. */
export interface Autorun {
  open: string | null;
  shellexecute: string | null;
  icon: { path: string; index: number } | null;
  label: string | null;
  /** shell\verb\command entries, keyed by verb. */
  verbs: Record<string, { text: string | null; command: string | null }>;
  /** Which section the keys came from: `autorun`, or a platform one when `[autorun]` is missing. */
  section: string;
}

function decode(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
  return decodeAnsi(buf);
}

export function parseAutorun(buf: Buffer): Autorun | null {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | null = null;
  for (const raw of decode(buf).split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith(';')) continue;
    const sec = /^\[\s*([^\]]+?)\s*\]/.exec(line);
    if (sec) {
      const name = sec[1]!.toLowerCase();
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      continue;
    }
    if (!current) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim().toLowerCase().replace(/\//g, '\\');
    const value = line.slice(eq + 1).trim();
    if (!current.has(key)) current.set(key, value); // the first occurrence wins
  }
  const name = ['autorun', 'autorun.x86', 'autorun.amd64'].find((n) => sections.has(n));
  if (!name) return null;
  const keys = sections.get(name)!;
  const icon = keys.get('icon');
  let iconParsed: Autorun['icon'] = null;
  if (icon) {
    const m = /^(.*?)(?:,\s*(-?\d+))?$/.exec(unquote(icon))!;
    iconParsed = { path: unquote(m[1]!.trim()), index: m[2] ? Number(m[2]) : 0 };
  }
  const verbs: Autorun['verbs'] = {};
  for (const [k, v] of keys) {
    const m = /^shell\\([^\\]+)(\\command)?$/.exec(k);
    if (!m) continue;
    const verb = m[1]!;
    verbs[verb] ??= { text: null, command: null };
    if (m[2]) verbs[verb].command = v;
    else verbs[verb].text = v;
  }
  const defaultVerb = keys.get('shell');
  const open = keys.get('open') ?? (defaultVerb ? verbs[defaultVerb.toLowerCase()]?.command : undefined) ?? null;
  return {
    open: open || null,
    shellexecute: keys.get('shellexecute') || null,
    icon: iconParsed,
    label: keys.get('label') ? unquote(keys.get('label')!) : null,
    verbs,
    section: name,
  };
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

/** Splits a command line the way CreateProcess does: quotes group, backslashes are plain characters. */
export function splitCommandLine(cmd: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let any = false;
  for (const ch of cmd) {
    if (ch === '"') {
      quoted = !quoted;
      any = true;
    } else if (!quoted && /\s/.test(ch)) {
      if (any) out.push(cur);
      cur = '';
      any = false;
    } else {
      cur += ch;
      any = true;
    }
  }
  if (any) out.push(cur);
  return out;
}

/**
 * Finds the program an autorun command names. Unquoted paths may contain spaces: try the first
 * token, then longer prefixes, and for each the name as is and with .exe/.com/.bat appended.
 */
export async function resolveCommand(cmd: string, exists: (path: string) => Promise<string | null>): Promise<{ path: string; args: string[] } | null> {
  const trimmed = cmd.trim();
  if (!trimmed) return null;
  const candidates: Array<{ prog: string; rest: string }> = [];
  if (trimmed.startsWith('"')) {
    const end = trimmed.indexOf('"', 1);
    const prog = end > 0 ? trimmed.slice(1, end) : trimmed.slice(1);
    candidates.push({ prog, rest: end > 0 ? trimmed.slice(end + 1) : '' });
  } else {
    const parts = trimmed.split(/(\s+)/);
    for (let i = 0; i < parts.length; i += 2) {
      candidates.push({ prog: parts.slice(0, i + 1).join(''), rest: parts.slice(i + 1).join('') });
    }
  }
  for (const { prog, rest } of candidates) {
    const clean = prog.replace(/\//g, '\\').replace(/^\.?\\+/, '');
    if (!clean || clean.split('\\').includes('..')) continue;
    for (const suffix of ['', '.exe', '.com', '.bat']) {
      const hit = await exists(clean + suffix);
      if (hit) return { path: hit, args: splitCommandLine(rest) };
    }
  }
  return null;
}
