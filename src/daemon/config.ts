import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { DiscrunError } from '../errors.js';
import { formatProblem, parseYamlWith } from '../util/yaml-zod.js';
import { dirs } from '../xdg.js';

const Action = z.enum(['start', 'ask', 'never']);

/** $XDG_CONFIG_HOME/discrun/config.yaml: what the daemon watches and what it does with each disc. */
export const DaemonConfig = z
  .object({
    mounts: z.boolean().default(true).describe('Watch discs the desktop mounts (udisks2, /proc/self/mountinfo)'),
    mediaRoots: z.array(z.string().min(1)).default([]).describe('Folders whose sub-folders are discs (e.g. /media/$USER)'),
    watch: z.array(z.string().min(1)).default([]).describe('Folders where .iso/.cue/.nrg files are dropped'),
    policy: z
      .object({
        gold: Action.default('start'),
        silver: Action.default('start'),
        bronze: Action.default('ask'),
        untested: Action.default('ask'),
        broken: Action.default('never'),
        none: Action.default('ask').describe('No profile matched at all'),
      })
      .strict()
      .default({ gold: 'start', silver: 'start', bronze: 'ask', untested: 'ask', broken: 'never', none: 'ask' }),
    askTimeoutSeconds: z.number().int().min(5).max(3600).default(120).describe('How long a question stays open before it counts as "no"'),
    settleSeconds: z.number().min(0).max(60).default(2).describe('Quiet time before a new disc or file is read'),
    notifications: z.boolean().default(true),
    sandbox: z.boolean().default(true).describe('false only for debugging: programs reach the network and the user’s files'),
  })
  .strict();

export type DaemonConfig = z.infer<typeof DaemonConfig>;

export function configPath(): string {
  return join(dirs().config, 'config.yaml');
}

function expand(p: string): string {
  return p.replace(/^~(?=\/|$)/, process.env.HOME || homedir()).replace(/\$USER|\$\{USER\}/g, process.env.USER ?? '');
}

/** Reads the configuration; a missing file means the defaults, a wrong one an error with line:column. */
export async function loadDaemonConfig(path = configPath()): Promise<DaemonConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return DaemonConfig.parse({});
  }
  const r = parseYamlWith(DaemonConfig, text, path);
  const err = r.problems.find((p) => p.severity === 'error');
  if (err || !r.value) throw new DiscrunError('config-invalid', { path, what: err ? formatProblem(err).replace(`${path}:`, 'line ') : 'unreadable' });
  return { ...r.value, mediaRoots: r.value.mediaRoots.map(expand), watch: r.value.watch.map(expand) };
}
