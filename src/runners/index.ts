import type { EngineRunnerId, Runner } from './types.js';
import { dosboxRunner } from './dosbox.js';
import { ruffleRunner } from './ruffle.js';
import { scummvmRunner } from './scummvm.js';
import { wineRunner } from './wine.js';

/** The explicit registry of runners (as in Lutris): one module each, one interface. */
const RUNNERS: Partial<Record<EngineRunnerId, Runner>> = {
  wine: wineRunner,
  dosbox: dosboxRunner,
  ruffle: ruffleRunner,
  scummvm: scummvmRunner,
};

export function getRunner(id: EngineRunnerId): Runner | null {
  return RUNNERS[id] ?? null;
}
