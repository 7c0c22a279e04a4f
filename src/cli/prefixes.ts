import { dirs } from '../xdg.js';
import { backupAndRemove, findState, listStates } from '../launch/state.js';
import { DiscrunError } from '../errors.js';
import { parse, type Command } from './command.js';
import { printJson, say, t } from './output.js';

const usage = 'discrun prefixes list [--json] | reset ID | rm ID';

export const prefixes: Command = {
  name: 'prefixes',
  summary: { fr: 'gère les préfixes et sauvegardes de chaque disque', en: 'manage each disc’s prefix and saves' },
  usage,
  async run(args) {
    const [sub, ...rest] = args;
    const d = dirs();
    if (sub === 'list' || sub === undefined) {
      const { values } = parse(rest, { json: { type: 'boolean' } }, usage);
      const all = await listStates(d);
      if (values.json) printJson(all);
      else if (!all.length) say(t('Aucun préfixe.', 'No prefixes.'));
      else for (const s of all) say(`${s.id}  [${s.kind}]  ${s.title ?? s.label ?? ''}  ${s.lastUsed ? t('dernier lancement ', 'last run ') + s.lastUsed.slice(0, 16).replace('T', ' ') : ''}\n    ${s.path}`);
      return 0;
    }
    if (sub === 'reset' || sub === 'rm') {
      const { positionals } = parse(rest, {}, usage);
      if (positionals.length !== 1) throw new DiscrunError('usage', { what: `Usage: ${usage}` });
      for (const s of await findState(d, positionals[0]!)) {
        const backup = await backupAndRemove(d, s);
        say(sub === 'reset'
          ? t(`${s.id} remis à zéro ; sauvegardes copiées dans ${backup}.`, `${s.id} reset; saves copied to ${backup}.`)
          : t(`${s.id} supprimé ; sauvegardes copiées dans ${backup}.`, `${s.id} removed; saves copied to ${backup}.`));
      }
      return 0;
    }
    throw new DiscrunError('usage', { what: `Usage: ${usage}` });
  },
};
