import type { Dataset, DataSplit } from '../../lib/contracts/dataset.ts';
import { checkTestSample, sampleIndices } from './test-sample.ts';
import { GENERATOR_VERSION, simulateTrainTicket, TRAINTICKET_PRESETS, type TrainTicketPreset } from '../../../datasets/trainticket/simulate.ts';
import { SERVICES_PRESETS, SERVICES_VERSION, simulateService, type ServicesPreset } from '../../../datasets/services/simulate.ts';
import { TABLE_I } from '../../../datasets/services/table1.ts';
import type { SimulatedDataset } from '../../../datasets/sim/dataset.ts';
import { canonicalJson } from '../../lib/util/canonical-json.ts';
import type { DatasetContext } from './registry.ts';
import { datasetFromTraces } from './trace-dataset.ts';
import { TWO_DIM_VERSION, twoDimService } from '../../../datasets/two-dim/two-dim-service.ts';

/**
 * The project's data generators, which dataset files name with `"generator"` (datasets/builtin/ holds one file per
 * built-in dataset): the TrainTicket testbed simulator, the Table I services, Fig. 11's 2-dimension service.
 * Options come from the file's `options` and the experiment's `datasetOptions`.
 */
export interface Generator {
  description: string;
  /** Whether the data depends on the cell's seed. */
  seeded: boolean;
  /** Changes whenever the data would (generator version, preset, seed, options). */
  fingerprint(ctx: DatasetContext): Promise<string>;
  load(name: string, ctx: DatasetContext): Promise<Dataset>;
}

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

const trainTicket: Generator = {
  description: 'Simulated TrainTicket testbed (datasets/trainticket): a normal training day, a test day with rt and path faults in each of the 41 services; options preset (quick by --quick, else paper), testSample, faultTrain',
  seeded: true,
  fingerprint: async (ctx) => canonicalJson({ generator: GENERATOR_VERSION, preset: presetOf(ctx), seed: ctx.seed, options: ctx.options }),
  load: async (name, ctx) => {
    const preset: TrainTicketPreset = presetOf(ctx);
    return simulated(name, (seed) => simulateTrainTicket({ ...TRAINTICKET_PRESETS[preset], seed }, preset), ctx);
  },
};

/** Company-S-like services calibrated to paper Table I, one generator each (Tables III, V, VI). */
const services: Record<string, Generator> = Object.fromEntries(
  TABLE_I.map((spec): [string, Generator] => [
    spec.name,
    {
      description: `Synthetic ${spec.name} (${spec.description}) calibrated to paper Table I: ${spec.microservices} microservices, ${spec.dimensions} STV dimensions; options preset (quick = 1/20 of the daily traffic, by --quick), testSample`,
      seeded: true,
      fingerprint: async (ctx) => canonicalJson({ generator: SERVICES_VERSION, service: spec.name, preset: presetOf(ctx), seed: ctx.seed, options: ctx.options }),
      load: async (name, ctx) => {
        const preset: ServicesPreset = presetOf(ctx);
        return simulated(name, (seed) => simulateService(spec, { ...SERVICES_PRESETS[preset], seed }, preset), ctx);
      },
    },
  ]),
);

/** A 2-dimension service for Fig. 11 (datasets/two-dim/): STVs only; options `train`, `testNormal`, `testAnomalies`. */
const twoDim: Generator = {
  description: 'A 2-dimension service (x = rt of the entrance, y = rt of the service it calls; three regimes) for Fig. 11',
  seeded: true,
  fingerprint: async (ctx) => canonicalJson({ generator: TWO_DIM_VERSION, seed: ctx.seed, quick: ctx.quick, options: ctx.options }),
  load: async (name, ctx) => ({ ...(await twoDimService({ seed: ctx.seed, ...(ctx.quick ? { train: 5000, testNormal: 1000, testAnomalies: 50 } : {}), ...ctx.options })), name }),
};

export const GENERATORS: Record<string, Generator> = { trainticket: trainTicket, ...services, 'two-dim-service': twoDim };
