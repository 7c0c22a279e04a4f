#!/usr/bin/env node
import { main } from './main.js';

// Exit once stdout has drained, so a large --json document is never cut short.
const finish = (code: number) => process.stdout.write('', () => process.exit(code));
main(process.argv.slice(2)).then(finish, (e: unknown) => {
  process.stderr.write(`${String(e)}\n`);
  finish(70);
});
