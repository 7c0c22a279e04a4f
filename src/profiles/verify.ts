import { readFile } from 'node:fs/promises';
import { isSeq, parseDocument, YAMLSeq } from 'yaml';
import { writeFileAtomic } from '../util/atomic.js';
import type { Status, VerifiedRecord } from './schema.js';

/** Appends a verified record to a profile file, keeping its comments and layout. */
export async function appendVerified(path: string, record: VerifiedRecord): Promise<void> {
  const text = await readFile(path, 'utf8');
  const doc = parseDocument(text);
  let seq = doc.get('verified', true);
  if (!isSeq(seq)) {
    seq = new YAMLSeq();
    doc.set('verified', seq);
  }
  // `verified: []` is written in flow style by drafts; a history reads better as a block list.
  (seq as YAMLSeq).flow = false;
  const clean = Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined && v !== null));
  (seq as YAMLSeq).add(doc.createNode(clean));
  await writeFileAtomic(path, doc.toString({ lineWidth: 0, flowCollectionPadding: false }), { overwrite: true });
}

/** What a person might set the status to after this run; discrun never changes it itself. */
export function suggestStatus(result: VerifiedRecord['result'], current: Status): Status | null {
  if (result === 'crashed' || result === 'refused') return current === 'broken' ? null : 'broken';
  if (current === 'untested' || current === 'broken') return 'bronze';
  return null;
}
