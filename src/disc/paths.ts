import { DiscError } from '../errors.js';

/**
 * Turns a path as a Windows program or an AUTORUN.INF writes it into the key used for lookups:
 * `\` or `/`, any case, ISO `;1` versions and trailing dots all collapse to one spelling.
 */
export function lookupKey(path: string): string {
  // Fast path: a clean disc path (no backslash, dot segment, version or trailing dot) only needs upper-casing.
  if (!/[\\;]|\.(\/|$)|\/\/|^\//.test(path)) return path.toUpperCase();
  return path
    .replace(/\\/g, '/')
    .split('/')
    .filter((seg) => seg !== '' && seg !== '.')
    .map(normalizeSegment)
    .join('/');
}

export function normalizeSegment(name: string): string {
  let n = name.replace(/;\d*$/, '');
  n = n.replace(/\.+$/, '');
  return n.toUpperCase();
}

/** Cleans an ISO 9660 identifier for display: drops `;1` and a trailing dot of extension-less names. */
export function cleanIsoName(raw: string): string {
  let end = raw.length;
  const semi = raw.lastIndexOf(';');
  if (semi >= 0 && /^\d*$/.test(raw.slice(semi + 1))) end = semi;
  if (end > 0 && raw.charCodeAt(end - 1) === 0x2e) end--;
  return end === raw.length ? raw : raw.slice(0, end);
}

/** A name a filesystem gave us may end up as a path on the host (extraction, cache): refuse anything dangerous. */
export function assertSafeName(name: string, imagePath: string): void {
  // eslint-disable-next-line no-control-regex
  if (name === '' || name === '.' || name === '..' || /[\/\x00-\x1f\x7f]/.test(name)) {
    throw new DiscError('unsafe-name', { path: imagePath, name: JSON.stringify(name) });
  }
}

export function joinDiscPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}/${name}`;
}
