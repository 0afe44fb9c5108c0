import { BACKEND_CHOICES, describeBackend, useBackend, BackendUnavailableError } from '../backend/backend.ts';
import type { PathDefinition } from '../callpaths/call-path-list.ts';
import type { EdgeLabel } from '../callpaths/edges.ts';
import { inputSize } from '../contracts/dataset.ts';
import { BANDWIDTH_RULES } from '../decision/kde.ts';
import { CALIBRATION_SOURCES } from '../decision/calibration.ts';
import { openModelFolder, saveModel } from '../detector/model-folder.ts';
import { TraceAnomalyLocalizer } from '../localize/traceanomaly-localizer.ts';
import { DEFAULT_OPTIONS, type TraceAnomalyOptions } from '../detector/options.ts';
import { TraceAnomalyDetector } from '../detector/traceanomaly-detector.ts';
import { FLOW_KINDS } from '../model/flows/build.ts';
import { fitProgress } from './fit-progress.ts';
import { oneOf, parseCommand, requireString, UsageError } from './args.ts';
import { InputError } from '../util/errors.ts';
import { INPUT_OPTIONS, readModelInput, RUN_OPTIONS } from './model-input.ts';
import { MAX_SPANS_HELP } from './load-input.ts';
import { intArg, numberArg } from './number-args.ts';
import { callPathListLines } from './stv-command.ts';

const D = DEFAULT_OPTIONS;

export const TRAIN_USAGE = `traceanomaly train --in FILE [--format F] [--columns MAP.json] [--strict] [--max-spans-per-trace N] --out MODEL_DIR
                   [--definition prefix|ancestors] [--edge service|endpoint]
                   [--seed N] [--backend auto|tensorflow-gpu|tensorflow|wasm|cpu] [--workers N]
                   [--flow rnvp|planar] [--flow-length K] [--z-dim N] [--max-epochs N] [--max-steps N] [--batch-size N]
                   [--patience N] [--valid-every-steps N] [--min-steps N] [--samples L_z] [--alpha A] [--bandwidth silverman|scott]
                   [--calibration heldout|train|crossfit] [--folds K]
  Trains TraceAnomaly (paper sec. III) on normal traces: STVs (released text format or stv.csv) or a raw export
  (call paths are then built from it). 10% of the traces are held out for early stopping; the decision KDE is
  fitted to normal log p(x) from --calibration: the held-out traces, the training traces themselves, or every
  training trace scored by a model of K folds that did not train on it (crossfit).
  Writes MODEL_DIR/model.json, weights.bin, hstv.json (for root causes) and, for raw traces, callpaths.json.
  Defaults: seed ${D.seed}, flow ${D.flow}, K ${D.flowLength}, z ${D.zDim}, batch ${D.batchSize}, the held-out NLL every
  ${D.validEverySteps} steps (L_z ${D.validSamples}), stop after ${D.patience} validations without a new best but not before ${D.minSteps} steps,
  at most ${D.maxSteps} steps and ${D.maxEpochs} epochs, L_z ${D.samples}, alpha ${D.alpha}, calibration ${D.calibration} (folds ${D.folds}),
  ${D.workers} worker threads on wasm; K 0 is the vanilla VAE.
  ${MAX_SPANS_HELP}`;

/** Detector options from the shared flags (train and detect). */
export function runOptions(o: Record<string, unknown>, base: TraceAnomalyOptions): Partial<TraceAnomalyOptions> {
  return {
    seed: intArg(o.seed, 'seed', base.seed, 0),
    backend: oneOf(o.backend, 'backend', BACKEND_CHOICES, base.backend),
    workers: intArg(o.workers, 'workers', base.workers),
    samples: intArg(o.samples, 'samples', base.samples),
    alpha: numberArg(o.alpha, 'alpha', base.alpha, 0, 1),
  };
}

export async function trainCommand(args: string[]): Promise<number> {
  const { values: o } = parseCommand(args, {
    ...INPUT_OPTIONS,
    ...RUN_OPTIONS,
    out: { type: 'string' },
    definition: { type: 'string' },
    edge: { type: 'string' },
    flow: { type: 'string' },
    'flow-length': { type: 'string' },
    'z-dim': { type: 'string' },
    'max-epochs': { type: 'string' },
    'max-steps': { type: 'string' },
    'batch-size': { type: 'string' },
    patience: { type: 'string' },
    'valid-every-steps': { type: 'string' },
    'min-steps': { type: 'string' },
    bandwidth: { type: 'string' },
    calibration: { type: 'string' },
    folds: { type: 'string' },
  });
  if (o.help) {
    console.log(TRAIN_USAGE);
    return 0;
  }
  const file = requireString(o.in, 'in');
  const outDir = requireString(o.out, 'out');
  const options: TraceAnomalyOptions = {
    ...D,
    ...runOptions(o, D),
    definition: oneOf<PathDefinition>(o.definition, 'definition', ['prefix', 'ancestors'], D.definition),
    edgeLabel: oneOf<EdgeLabel>(o.edge, 'edge', ['service', 'endpoint'], D.edgeLabel),
    flow: oneOf(o.flow, 'flow', FLOW_KINDS, D.flow),
    flowLength: intArg(o['flow-length'], 'flow-length', D.flowLength, 0),
    zDim: intArg(o['z-dim'], 'z-dim', D.zDim, 2),
    maxEpochs: intArg(o['max-epochs'], 'max-epochs', D.maxEpochs),
    maxSteps: intArg(o['max-steps'], 'max-steps', D.maxSteps),
    batchSize: intArg(o['batch-size'], 'batch-size', D.batchSize),
    patience: intArg(o.patience, 'patience', D.patience),
    validEverySteps: intArg(o['valid-every-steps'], 'valid-every-steps', D.validEverySteps),
    minSteps: intArg(o['min-steps'], 'min-steps', D.minSteps, 0),
    bandwidth: oneOf(o.bandwidth, 'bandwidth', BANDWIDTH_RULES, D.bandwidth),
    calibration: oneOf(o.calibration, 'calibration', CALIBRATION_SOURCES, D.calibration),
    folds: intArg(o.folds, 'folds', D.folds, 2),
  };
  // the model folder is checked before the minutes of training (and cleared of a killed run's partial files)
  const folder = await openModelFolder(outDir);
  const backend = await selectBackend(options.backend);
  const { input, format } = await readModelInput(file, o);
  const n = inputSize(input);
  process.stderr.write(`${describeBackend(backend)}\n${n} training traces (${format})\n`);
  const detector = new TraceAnomalyDetector({ ...options, backend: backend.name });
  const shown = fitProgress();
  await detector.fit(input, shown.hooks).catch((e: unknown) => {
    // the detector knows traces, not files: say which file they are in
    throw e instanceof InputError && e.location.file === undefined ? new InputError({ ...e.location, file }, e.reason) : e;
  });
  shown.finish(detector);
  const kde = detector.model.kde;
  // the HSTV index of the same training traces, so that detect can name root causes (sec. II-D)
  const localizer = new TraceAnomalyLocalizer({ input: input.traces ? 'traces' : 'stv', definition: options.definition, edgeLabel: options.edgeLabel });
  await localizer.fit(input);
  await saveModel(outDir, detector.model, detector.options, callPathListLines, localizer.reference, folder);
  process.stderr.write(`model (${detector.model.space.norm.columns.length} dimensions, KDE bandwidth ${kde.bandwidth.toPrecision(3)}) -> ${outDir}\n`);
  return 0;
}

export async function selectBackend(choice: TraceAnomalyOptions['backend']) {
  try {
    return await useBackend(choice);
  } catch (e) {
    if (e instanceof BackendUnavailableError) throw new UsageError(`--backend ${choice}: ${e.message}`);
    throw e;
  }
}
