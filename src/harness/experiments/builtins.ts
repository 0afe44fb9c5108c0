import { activeBackend } from '../../lib/backend/backend.ts';
import type { MethodDefinition } from '../../lib/contracts/method.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetEntryFromSpec, validateDatasetFile } from './dataset-file.ts';
import { PROJECT_ROOT } from '../../lib/util/data-root.ts';
import { densityGridTask } from './tasks/density-grid.ts';
import { canonicalJson } from './cell-key.ts';
import { tinyService } from './demo/tiny-service.ts';
import { Registry, type DatasetEntry, type DetectionMethod, type LocalizationMethod, type MethodContext } from './registry.ts';
import { datasetFromTraces } from './trace-dataset.ts';
import { METHODS } from '../registry/methods.ts';
import { methodOptions } from '../registry/create.ts';

/** The density-grid task's rough cost (src/harness/experiments/shard.ts), seconds at the quick preset's size. */
const DENSITY_GRID_COST = 60;

/**
 * A method as the experiment runner takes it: options checked against the method's schema (an unknown option or
 * a value out of range is an input error naming the method and the option), defaults filled in, the cell's seed
 * for a seeded method.
 */
export function methodEntry(def: MethodDefinition): DetectionMethod | LocalizationMethod {
  const common = {
    name: def.name,
    description: def.description,
    version: def.version,
    checkOptions: (options: Record<string, unknown>) => void methodOptions(def, options),
    ...(def.tfjs ? { backend: activeBackend } : {}),
    ...(def.cost ? { cost: ({ options }: MethodContext) => def.cost!(methodOptions(def, options) as never) } : {}),
  };
  return def.kind === 'detection'
    ? { ...common, kind: 'detection', create: ({ seed, options }) => def.create(methodOptions(def, options, seed) as never) }
    : { ...common, kind: 'localization', create: ({ seed, options }) => def.create(methodOptions(def, options, seed) as never) };
}

/** The demo's tiny made-up service (src/harness/experiments/demo/tiny-service.ts); options `train`, `testNormal`, `testAnomalies`. */
export const demoDataset: DatasetEntry = {
  name: 'demo-tiny',
  description: 'A tiny made-up service (frontend, auth, orders, db, cache) with rt and path anomalies; for the demo and tests',
  seeded: true,
  fingerprint: async (ctx) => canonicalJson({ generator: 'tiny-service', version: 1, seed: ctx.seed, quick: ctx.quick, options: ctx.options }),
  async load(ctx) {
    const size = { train: ctx.quick ? 150 : 400, testNormal: ctx.quick ? 150 : 400, testAnomalies: ctx.quick ? 15 : 40, ...ctx.options } as { train: number; testNormal: number; testAnomalies: number };
    const { train, test, labels } = tinyService({ seed: ctx.seed, ...size });
    return datasetFromTraces({ name: 'demo-tiny', description: demoDataset.description, train: { traces: train }, test: { traces: test, labels }, provenance: { generator: 'tiny-service', seed: ctx.seed, ...size } });
  },
};

/** The built-in datasets, each described by a dataset file in datasets/builtin/ as a user's own would be. */
export const BUILTIN_DATASET_FILES = ['trainticket', 'service-1', 'service-2', 'service-3', 'service-4', 'trainticket-released', 'trainticket-released-1k', 'two-dim-service'];

export function builtinDatasets(): DatasetEntry[] {
  return BUILTIN_DATASET_FILES.map((name) => {
    const path = join(PROJECT_ROOT, 'datasets', 'builtin', `${name}.json`);
    return datasetEntryFromSpec(validateDatasetFile(JSON.parse(readFileSync(path, 'utf8')), path), path);
  });
}

/**
 * The registry the `experiment` command uses: the built-in datasets and every method of
 * src/harness/registry/methods.ts (docs/layout.md: adding a method).
 */
export function builtinRegistry(): Registry {
  const r = new Registry();
  r.addDataset(demoDataset);
  for (const d of builtinDatasets()) r.addDataset(d);
  for (const m of METHODS) r.addMethod(methodEntry(m));
  r.addMethod({ ...densityGridTask, cost: () => DENSITY_GRID_COST });
  return r;
}
