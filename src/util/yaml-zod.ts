import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';

export interface Problem {
  path: string;
  line: number | null;
  col: number | null;
  /** Dotted path of the field, e.g. `wine.desktop`. */
  field: string | null;
  message: string;
  severity: 'error' | 'warning';
}

/**
 * Parses YAML and validates it with a zod schema; every problem carries the line and column of
 * the node it is about (a missing key points at its parent mapping).
 */
export function parseYamlWith<S extends z.ZodType>(schema: S, text: string, path: string): { value: z.infer<S> | null; problems: Problem[]; doc: Document | null } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const problems: Problem[] = [];
  const at = (offset: number | undefined) => (offset === undefined ? { line: null, col: null } : lc.linePos(offset));
  for (const e of doc.errors) problems.push({ path, ...at(e.pos[0]), field: null, message: e.message.split('\n')[0]!, severity: 'error' });
  for (const w of doc.warnings) problems.push({ path, ...at(w.pos[0]), field: null, message: w.message.split('\n')[0]!, severity: 'warning' });
  if (doc.errors.length) return { value: null, problems, doc: null };
  const parsed = schema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const segs = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)) as Array<string | number>;
      let node: unknown = null;
      for (let n = segs.length; n >= 0 && !isNode(node); n--) node = doc.getIn(segs.slice(0, n), true);
      const range = isNode(node) ? node.range : undefined;
      problems.push({ path, ...at(range?.[0]), field: segs.join('.') || null, message: issue.message, severity: 'error' });
    }
    return { value: null, problems, doc };
  }
  return { value: parsed.data, problems, doc };
}

export function formatProblem(p: Problem): string {
  const where = p.line !== null ? `${p.path}:${p.line}:${p.col}` : p.path;
  return `${where}: ${p.severity}: ${p.field ? `${p.field}: ` : ''}${p.message}`;
}
