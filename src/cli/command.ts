import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DiscrunError } from '../errors.js';

export interface Command {
  name: string;
  summary: { fr: string; en: string };
  usage: string;
  run(args: string[]): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with errors turned into one readable sentence. */
export function parse<O extends Options>(args: string[], options: O, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new DiscrunError('usage', { what: `${(e as Error).message.replace(/\.$/, '')}. Usage: ${usage}` });
  }
}

export function needPositional(positionals: string[], count: number, usage: string): void {
  if (positionals.length < count) throw new DiscrunError('usage', { what: `Usage: ${usage}` });
}
