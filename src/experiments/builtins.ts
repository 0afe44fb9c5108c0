import { createLocalizer, LOCALIZERS, LOCALIZER_NAMES } from '../../baselines/localizers.ts';
import { BASELINE_NAMES, NEURAL_BASELINE_NAMES, createBaseline } from '../../baselines/registry.ts';
import { activeBackend } from '../backend/backend.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetEntryFromSpec, validateDatasetFile } from './dataset-file.ts';
import { PROJECT_ROOT } from '../util/data-root.ts';
import { densityGridTask } from './tasks/density-grid.ts';
import { gmmDetector } from '../../baselines/gmm/detector.ts';
import { checkedTraceAnomaly, checkedVae } from './checked-detectors.ts';
import { DEFAULT_OPTIONS } from '../detector/options.ts';
import { kdeDetector } from '../../baselines/kde/detector.ts';
import { canonicalJson } from './cell-key.ts';
import { tinyService } from './demo/tiny-service.ts';
import { ZScoreDetector } from './demo/zscore-detector.ts';
import { Registry, type DatasetEntry, type MethodEntry } from './registry.ts';
import { datasetFromTraces } from './trace-dataset.ts';

/**
 * Rough estimates of a cell's cost, for `--shard`'s balance (src/experiments/shard.ts): seconds per cell at the
 * size of the trainticket quick preset on this project's shared 2-core machine; only ratios matter. Measured
 * there: the localisers (table4 --quick: MEPFL's forest about 60 s, the others under 1 s) and TraceAnomaly
 * (ablation-samples --quick: about 25 s an epoch and 3.6 s per importance sample L_z, scoring and KDE). The
 * others are scaled from the README's benchmark times (OmniAnomaly's fit about 10 times AEVB's; the LSTMs between).
 */
const COST: Record<string, number> = {
  rule: 1, 'hstv-3sigma': 1, wfg: 2, cfg: 2, cpd: 2,
  aevb: 30, deeplog: 100, 'multimodal-lstm': 100, omnianomaly: 150, gmm: 20, kde: 60,
  monitorrank: 1, rcsf: 1, 'traceanomaly-rca': 1, mepfl: 60, 'density-grid': 60,
};
const fixedCost = (name: string) => (COST[name] === undefined ? {} : { cost: () => COST[name] });

/** TraceAnomaly's and the vanilla VAE's cost: training by epochs, scoring by importance samples. */
function traceAnomalyCost({ options }: { options: Record<string, unknown> }): number {
  return 30 + 25 * Number(options.maxEpochs ?? DEFAULT_OPTIONS.maxEpochs) + 3.6 * Number(options.samples ?? DEFAULT_OPTIONS.samples);
}

/** The demo's tiny made-up service (src/experiments/demo/tiny-service.ts); options `train`, `testNormal`, `testAnomalies`. */
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

/** The demo's trivial detectors: z-scores over STV dimensions, with and without the new-set-of-paths rule. */
export const demoMethods: MethodEntry[] = [
  {
    kind: 'detection',
    name: 'demo-zscore',
    description: 'Demo only: largest |z| of an STV dimension; a new set of valid dimensions is a path anomaly',
    version: '1',
    create: ({ seed, options }) => new ZScoreDetector('demo-zscore', { ...options, seed }),
  },
  {
    kind: 'detection',
    name: 'demo-zscore-rt',
    description: 'Demo only: largest |z| of an STV dimension, trained on a seeded half of the training data; names no types',
    version: '1',
    create: ({ seed, options }) => new ZScoreDetector('demo-zscore-rt', { sample: 0.5, ...options, paths: false, seed }),
  },
];

/** The non-neural detection baselines of Tables II and III (baselines/registry.ts); deterministic, the seed is unused. */
export const detectionBaselines: MethodEntry[] = BASELINE_NAMES.map((name) => ({
  kind: 'detection',
  name,
  description: `${name} detection baseline (baselines/${name === 'hstv-3sigma' ? 'hstv' : name === 'rule' ? 'rules' : name}/)`,
  version: '1',
  create: ({ options }) => createBaseline(name, options),
  ...fixedCost(name),
}));

/** TraceAnomaly itself and, as in Table VI, the same detector with no posterior flow (the vanilla VAE). */
export const traceAnomalyMethods: MethodEntry[] = [
  {
    kind: 'detection',
    name: 'traceanomaly',
    description: 'TraceAnomaly (sec. III): flow-VAE over normalised STVs, log p(x) by importance sampling, KDE p-value, unseen call paths',
    version: '1',
    create: ({ seed, options }) => checkedTraceAnomaly({ ...options, seed }),
    backend: activeBackend,
    cost: traceAnomalyCost,
  },
  {
    kind: 'detection',
    name: 'vae',
    description: 'TraceAnomaly with a vanilla VAE (Table VI): the same detector with posterior flow length K = 0',
    version: '1',
    create: ({ seed, options }) => checkedVae({ ...options, seed }),
    backend: activeBackend,
    cost: traceAnomalyCost,
  },
];

/** TraceAnomaly with another density model in place of the flow-VAE (Table VI): GMM and multivariate KDE. */
export const densityMethods: MethodEntry[] = [
  {
    kind: 'detection',
    name: 'gmm',
    description: 'TraceAnomaly with GMM (Table VI): EM, components by BIC, the same STVs, KDE p-value decision and unseen rule',
    version: '1',
    create: ({ seed, options }) => gmmDetector({ ...options, seed }),
    ...fixedCost('gmm'),
  },
  {
    kind: 'detection',
    name: 'kde',
    description: 'TraceAnomaly with KDE (Table VI): a multivariate Gaussian KDE, the same STVs, KDE p-value decision and unseen rule',
    version: '1',
    create: ({ seed, options }) => kdeDetector({ ...options, seed }),
    ...fixedCost('kde'),
  },
];

/** The neural detection baselines (baselines/registry.ts): aevb, omnianomaly, deeplog (DeepLog*), multimodal-lstm; seeded by the cell's seed, on the tfjs backend. */
export const neuralBaselines: MethodEntry[] = NEURAL_BASELINE_NAMES.map((name) => ({
  kind: 'detection',
  name,
  description: `${name} detection baseline (baselines/${name}/; tfjs)`,
  version: '1',
  create: ({ seed, options }) => createBaseline(name, options, seed),
  backend: activeBackend,
  ...fixedCost(name),
}));

/** The root-cause localisers of Table IV (kind 'localization'): traceanomaly-rca, monitorrank, rcsf, mepfl. */
export const localizationMethods: MethodEntry[] = LOCALIZER_NAMES.map((name) => ({
  kind: 'localization',
  name,
  description: LOCALIZERS[name].description,
  version: '1',
  create: ({ seed, options }) => createLocalizer(name, options, seed),
  ...fixedCost(name),
}));

/** The built-in datasets, each described by a dataset file in datasets/builtin/ as a user's own would be. */
export const BUILTIN_DATASET_FILES = ['trainticket', 'service-1', 'service-2', 'service-3', 'service-4', 'trainticket-released', 'trainticket-released-1k', 'two-dim-service'];

export function builtinDatasets(): DatasetEntry[] {
  return BUILTIN_DATASET_FILES.map((name) => {
    const path = join(PROJECT_ROOT, 'datasets', 'builtin', `${name}.json`);
    return datasetEntryFromSpec(validateDatasetFile(JSON.parse(readFileSync(path, 'utf8')), path), path);
  });
}

/**
 * The registry the `experiment` command uses. Each part of the harness adds its datasets and methods here,
 * one `addDataset` / `addMethod` per entry (see the README's "Experiments" section for the signatures).
 */
export function builtinRegistry(): Registry {
  const r = new Registry();
  r.addDataset(demoDataset);
  for (const d of builtinDatasets()) r.addDataset(d);
  for (const m of demoMethods) r.addMethod(m);
  for (const m of detectionBaselines) r.addMethod(m);
  for (const m of traceAnomalyMethods) r.addMethod(m);
  for (const m of densityMethods) r.addMethod(m);
  for (const m of neuralBaselines) r.addMethod(m);
  for (const m of localizationMethods) r.addMethod(m);
  r.addMethod({ ...densityGridTask, ...fixedCost(densityGridTask.name) });
  return r;
}
