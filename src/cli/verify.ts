import { DiscrunError } from '../errors.js';

export async function verify(_args: string[]): Promise<number> {
  throw new DiscrunError('usage', { what: 'discrun profile verify needs discrun launch' });
}
