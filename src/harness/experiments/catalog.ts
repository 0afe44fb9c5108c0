import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonFile } from '../inputs/load-input.ts';
import { PROJECT_ROOT } from '../../lib/util/data-root.ts';
import { InputError, UsageError } from '../../lib/util/errors.ts';
import { didYouMean } from '../../lib/util/suggest.ts';
import { validateExperiment, type ExperimentDef } from './definition.ts';

/** Where the experiment definitions live: one JSON file per paper table, figure or ablation. */
export const EXPERIMENTS_DIR = join(PROJECT_ROOT, 'experiments');

/** Files in experiments/ that are data, not experiments. */
const NOT_EXPERIMENTS = new Set(['paper-numbers.json']);

/** The names of the built-in experiments. */
export async function experimentNames(dir = EXPERIMENTS_DIR): Promise<string[]> {
  const files = await readdir(dir).catch(() => [] as string[]);
  return files.filter((f) => f.endsWith('.json') && !NOT_EXPERIMENTS.has(f)).map((f) => f.slice(0, -5)).sort();
}

/**
 * An experiment by name (experiments/NAME.json) or by the path of a definition file. An unknown name is a usage
 * error (naming the closest built-in ones); a definition file that is not there is bad input.
 */
export async function loadExperiment(nameOrFile: string, dir = EXPERIMENTS_DIR): Promise<ExperimentDef> {
  const isFile = nameOrFile.endsWith('.json');
  const file = isFile ? nameOrFile : join(dir, `${nameOrFile}.json`);
  if (!existsSync(file)) {
    if (isFile) throw new InputError({ file }, 'no such experiment definition file');
    const known = await experimentNames(dir);
    throw new UsageError(`unknown experiment "${nameOrFile}"${didYouMean(nameOrFile, known)}; built in: ${known.join(', ') || 'none'} (or give a definition file NAME.json)`);
  }
  return validateExperiment(await readJsonFile(file), file);
}
