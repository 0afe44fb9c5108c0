import type { Dataset, DataSplit } from '../contracts/dataset.ts';
import { checkTestSample, sampleIndices } from './test-sample.ts';
import { GENERATOR_VERSION, simulateTrainTicket, TRAINTICKET_PRESETS, type TrainTicketPreset } from '../../datasets/trainticket/simulate.ts';
import { SERVICES_PRESETS, SERVICES_VERSION, simulateService, type ServicesPreset } from '../../datasets/services/simulate.ts';
import { TABLE_I } from '../../datasets/services/table1.ts';
import type { SimulatedDataset } from '../../datasets/sim/dataset.ts';
import { canonicalJson } from './cell-key.ts';
import type { DatasetContext, DatasetEntry } from './registry.ts';
import { datasetFromTraces } from './trace-dataset.ts';
import { releasedTrainTicket } from '../../datasets/released-trainticket.ts';
import { TWO_DIM_VERSION, twoDimService } from '../../datasets/two-dim/two-dim-service.ts';
import { releasedTrainTicketFiles } from '../util/data-root.ts';
import { fileDigest } from '../util/hash.ts';

/** A different seed for the labelled fault-injection run that supervised localisers (MEPFL) train on. */
const FAULT_TRAIN_SALT = 10_007;


/** The preset a cell uses: `options.preset`, else `quick` for --quick runs and `paper` otherwise. */
function presetOf(ctx: DatasetContext): 'quick' | 'paper' {
  const p = ctx.options.preset ?? (ctx.quick ? 'quick' : 'paper');
  if (p !== 'quick' && p !== 'paper') throw new Error(`dataset option preset must be "quick" or "paper", not ${JSON.stringify(p)}`);
  return p;
}

/**
 * Simulated data as a Dataset with traces and STVs (encoded against the training call path list); with
 * `options.testSample` (a share in (0, 1]), a seeded sample of the test traces; with
 * `options.faultTrain`, also a second, independently seeded test day as the labelled training run of
 * supervised localisers.
 */
function simulated(name: string, simulate: (seed: number) => SimulatedDataset, ctx: DatasetContext): Dataset {
  ctx.log(`simulating ${name} (seed ${ctx.seed})`);
  const sim = simulate(ctx.seed);
  const sample = checkTestSample(ctx.options.testSample ?? 1, 'dataset option testSample');
  const test = sample < 1 ? sampleIndices(sim.test.traces!.length, sample, ctx.seed).map((i) => sim.test.traces![i]) : sim.test.traces!;
  const ds = datasetFromTraces({
    name,
    description: sim.description,
    train: { traces: sim.train.traces! },
    test: { traces: test, labels: sim.test.labels! },
    provenance: { ...sim.provenance, faults: sim.faults.length, ...(sample < 1 ? { testSample: sample, testTraces: test.length } : {}) },
  });
  if (ctx.options.faultTrain === true) {
    const again = simulate(ctx.seed + FAULT_TRAIN_SALT);
    const faultTrain: DataSplit = { traces: again.test.traces!, labels: again.test.labels! };
    return { ...ds, faultTrain };
  }
  return ds;
}

/** The TrainTicket fault-injection testbed (paper sec. V-A), simulated on the topology read from its source. */
export const trainTicketDataset: DatasetEntry = {
  name: 'trainticket',
  description: 'Simulated TrainTicket testbed (datasets/trainticket): a normal training day, a test day with rt and path faults in each of the 41 services; preset quick (--quick) or paper',
  seeded: true,
  fingerprint: async (ctx) => canonicalJson({ generator: GENERATOR_VERSION, preset: presetOf(ctx), seed: ctx.seed, options: ctx.options }),
  load: async (ctx) => {
    const preset: TrainTicketPreset = presetOf(ctx);
    return simulated('trainticket', (seed) => simulateTrainTicket({ ...TRAINTICKET_PRESETS[preset], seed }, preset), ctx);
  },
};

/** Company-S-like services calibrated to paper Table I, one dataset each (Tables III, V, VI). */
export const serviceDatasets: DatasetEntry[] = TABLE_I.map((spec) => ({
  name: spec.name,
  description: `Synthetic ${spec.name} (${spec.description}) calibrated to paper Table I: ${spec.microservices} microservices, ${spec.dimensions} STV dimensions; preset quick (1/20 of the daily traffic, --quick) or paper`,
  seeded: true,
  fingerprint: async (ctx) => canonicalJson({ generator: SERVICES_VERSION, service: spec.name, preset: presetOf(ctx), seed: ctx.seed, options: ctx.options }),
  load: async (ctx) => {
    const preset: ServicesPreset = presetOf(ctx);
    return simulated(spec.name, (seed) => simulateService(spec, { ...SERVICES_PRESETS[preset], seed }, preset), ctx);
  },
}));

/**
 * The released TrainTicket test STVs, split as the README states: 20,000 shuffled normal traces (the seed picks
 * them) for training, the other normal and all anomalous traces for test. Vector-only: no call path names.
 */
export const releasedTrainTicketDataset: DatasetEntry = {
  name: 'trainticket-released',
  description: 'Released TrainTicket STVs (trainticket-stv/): 20,000 seeded-shuffled normal traces for training, 10,355 normal + 5,079 anomalous for test; vectors only',
  seeded: true,
  fingerprint: async (ctx) => {
    const files = releasedTrainTicketFiles(ctx.dataRoot);
    if (!files) throw new Error('the released TrainTicket STVs are not under the data root (trainticket-stv/test_normal.zip, test_abnormal.zip)');
    return canonicalJson({ normal: await fileDigest(files.normal), abnormal: await fileDigest(files.abnormal), seed: ctx.seed, options: ctx.options });
  },
  load: (ctx) => releasedTrainTicket({ seed: ctx.seed, dataRoot: ctx.dataRoot, ...(typeof ctx.options.trainSize === 'number' ? { trainSize: ctx.options.trainSize } : {}) }),
};

/** A 2-dimension service for Fig. 11 (datasets/two-dim/): STVs only; options `train`, `testNormal`, `testAnomalies`. */
export const twoDimDataset: DatasetEntry = {
  name: 'two-dim-service',
  description: 'A 2-dimension service (x = rt of the entrance, y = rt of the service it calls; three regimes) for Fig. 11',
  seeded: true,
  fingerprint: async (ctx) => canonicalJson({ generator: TWO_DIM_VERSION, seed: ctx.seed, quick: ctx.quick, options: ctx.options }),
  load: async (ctx) => twoDimService({ seed: ctx.seed, ...(ctx.quick ? { train: 5000, testNormal: 1000, testAnomalies: 50 } : {}), ...ctx.options }),
};
