import type { Dataset, DataSplit } from '../../lib/contracts/dataset.ts';
import { sampleIndices } from './test-sample.ts';
import { GENERATOR_VERSION, simulateTrainTicket, trainTicketConfig, TRAINTICKET_PRESETS, type TrainTicketPreset } from '../../../datasets/trainticket/simulate.ts';
import { SERVICES_PRESETS, SERVICES_VERSION, simulateService, type ServicesPreset } from '../../../datasets/services/simulate.ts';
import { TABLE_I } from '../../../datasets/services/table1.ts';
import type { SimulatedDataset } from '../../../datasets/sim/dataset.ts';
import { canonicalJson } from '../../lib/util/canonical-json.ts';
import type { DatasetContext } from './registry.ts';
import { datasetFromTraces } from './trace-dataset.ts';
import { TWO_DIM_VERSION, twoDimService } from '../../../datasets/two-dim/two-dim-service.ts';
import { ABANDON } from '../../../datasets/trainticket/workload.ts';
import { bool, checkOptions, choice, custom, int, num, optionSchema, z, type OptionSchema, type OptionsOf } from '../../lib/options/schema.ts';

/**
 * The project's data generators, which dataset files name with `"generator"` (datasets/builtin/ holds one file per
 * built-in dataset): the TrainTicket testbed simulator, the Table I services, Fig. 11's 2-dimension service.
 * Options come from the file's `options` and the experiment's `datasetOptions`.
 */
export interface Generator {
  description: string;
  /** Its options, declared once: they check a dataset file's `options` and an experiment's `datasetOptions`, and docs/options.md lists them. */
  options: OptionSchema;
  /** Whether the data depends on the cell's seed. */
  seeded: boolean;
  /** Changes whenever the data would (generator version, preset, seed, options). */
  fingerprint(ctx: DatasetContext): Promise<string>;
  load(name: string, ctx: DatasetContext): Promise<Dataset>;
}

/** A different seed for the labelled fault-injection run that supervised localisers (MEPFL) train on. */
const FAULT_TRAIN_SALT = 10_007;

/** What every simulated dataset takes. */
const SIMULATED = {
  preset: choice(['quick', 'paper'], 'paper', { doc: 'The generator preset (when not given: quick in --quick runs)' }),
  testSample: num(1, { gt: 0, max: 1 }, { doc: 'A seeded share of the test traces (every trace kept with this probability)' }),
  faultTrain: bool(false, { doc: 'Also simulate a second, independently seeded test day as the labelled training run of supervised localisers (MEPFL)' }),
};
const SIMULATED_OPTIONS = optionSchema(SIMULATED);

export const TRAINTICKET_OPTIONS = optionSchema({
  ...SIMULATED,
  rtDelayMs: custom(z.array(z.number().positive()).length(2), [...TRAINTICKET_PRESETS.paper.protocol.delayMs], {
    doc: "The response-time fault's network delay range, ms: each fault draws one log-uniformly between the two (datasets/README.md)",
  }),
  abandon: num(ABANDON, { min: 0, max: 1 }, { doc: 'Chance that a simulated user session ends at a failed step (datasets/README.md)' }),
});

/** A generator's options checked against its schema and completed with the defaults (an InputError names the wrong one). */
function optionsOf<S extends OptionSchema>(generator: string, schema: S, ctx: DatasetContext): OptionsOf<S> {
  return checkOptions(`dataset generator ${generator}`, schema, ctx.options);
}

/** The preset a cell uses: the `preset` option where given, else `quick` for --quick runs and `paper` otherwise. */
function presetOf(options: { preset: 'quick' | 'paper' }, ctx: DatasetContext): 'quick' | 'paper' {
  return ctx.options.preset !== undefined ? options.preset : ctx.quick ? 'quick' : 'paper';
}

/**
 * Simulated data as a Dataset with traces and STVs (encoded against the training call path list); with
 * `options.testSample` (a share in (0, 1]), a seeded sample of the test traces; with
 * `options.faultTrain`, also a second, independently seeded test day as the labelled training run of
 * supervised localisers.
 */
function simulated(name: string, simulate: (seed: number) => SimulatedDataset, ctx: DatasetContext, o: OptionsOf<typeof SIMULATED_OPTIONS>): Dataset {
  ctx.log(`simulating ${name} (seed ${ctx.seed})`);
  const sim = simulate(ctx.seed);
  const sample = o.testSample;
  const test = sample < 1 ? sampleIndices(sim.test.traces!.length, sample, ctx.seed).map((i) => sim.test.traces![i]) : sim.test.traces!;
  const ds = datasetFromTraces({
    name,
    description: sim.description,
    train: { traces: sim.train.traces! },
    test: { traces: test, labels: sim.test.labels! },
    provenance: { ...sim.provenance, faults: sim.faults.length, ...(sample < 1 ? { testSample: sample, testTraces: test.length } : {}) },
  });
  if (o.faultTrain) {
    const again = simulate(ctx.seed + FAULT_TRAIN_SALT);
    const faultTrain: DataSplit = { traces: again.test.traces!, labels: again.test.labels! };
    return { ...ds, faultTrain };
  }
  return ds;
}

const trainTicket: Generator = {
  description: 'Simulated TrainTicket testbed (datasets/trainticket): a normal training day, a test day with rt and path faults in each of the 41 services',
  options: TRAINTICKET_OPTIONS,
  seeded: true,
  fingerprint: async (ctx) => canonicalJson({ generator: GENERATOR_VERSION, preset: presetOf(optionsOf('trainticket', TRAINTICKET_OPTIONS, ctx), ctx), seed: ctx.seed, options: ctx.options }),
  load: async (name, ctx) => {
    const o = optionsOf('trainticket', TRAINTICKET_OPTIONS, ctx);
    const preset: TrainTicketPreset = presetOf(o, ctx);
    return simulated(name, (seed) => simulateTrainTicket(trainTicketConfig(preset, seed, o), preset), ctx, o);
  },
};

/** Company-S-like services calibrated to paper Table I, one generator each (Tables III, V, VI). */
const services: Record<string, Generator> = Object.fromEntries(
  TABLE_I.map((spec): [string, Generator] => [
    spec.name,
    {
      description: `Synthetic ${spec.name} (${spec.description}) calibrated to paper Table I: ${spec.microservices} microservices, ${spec.dimensions} STV dimensions (quick = 1/20 of the daily traffic)`,
      options: SIMULATED_OPTIONS,
      seeded: true,
      fingerprint: async (ctx) => canonicalJson({ generator: SERVICES_VERSION, service: spec.name, preset: presetOf(optionsOf(spec.name, SIMULATED_OPTIONS, ctx), ctx), seed: ctx.seed, options: ctx.options }),
      load: async (name, ctx) => {
        const o = optionsOf(spec.name, SIMULATED_OPTIONS, ctx);
        const preset: ServicesPreset = presetOf(o, ctx);
        return simulated(name, (seed) => simulateService(spec, { ...SERVICES_PRESETS[preset], seed }, preset), ctx, o);
      },
    },
  ]),
);

const TWO_DIM_OPTIONS = optionSchema({
  train: int(20_000, { min: 1 }, { doc: 'Training traces (when not given: 5,000 in --quick runs)' }),
  testNormal: int(2_000, { min: 1 }, { doc: 'Normal test traces (when not given: 1,000 in --quick runs)' }),
  testAnomalies: int(100, { min: 1 }, { doc: 'Anomalous test traces (when not given: 50 in --quick runs)' }),
});
const TWO_DIM_QUICK = { train: 5000, testNormal: 1000, testAnomalies: 50 };

/** A 2-dimension service for Fig. 11 (datasets/two-dim/): STVs only. */
const twoDim: Generator = {
  description: 'A 2-dimension service (x = rt of the entrance, y = rt of the service it calls; three regimes) for Fig. 11',
  options: TWO_DIM_OPTIONS,
  seeded: true,
  fingerprint: async (ctx) => {
    optionsOf('two-dim-service', TWO_DIM_OPTIONS, ctx);
    return canonicalJson({ generator: TWO_DIM_VERSION, seed: ctx.seed, quick: ctx.quick, options: ctx.options });
  },
  load: async (name, ctx) => {
    const o = optionsOf('two-dim-service', TWO_DIM_OPTIONS, ctx);
    // an option not given takes its --quick value in quick runs
    const given = Object.fromEntries(Object.keys(ctx.options).map((k) => [k, o[k as keyof typeof o]]));
    return { ...(await twoDimService({ seed: ctx.seed, ...o, ...(ctx.quick ? TWO_DIM_QUICK : {}), ...given })), name };
  },
};

export const GENERATORS: Record<string, Generator> = { trainticket: trainTicket, ...services, 'two-dim-service': twoDim };
