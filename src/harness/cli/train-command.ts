import { describeBackend, useBackend, BackendUnavailableError } from '../../lib/backend/backend.ts';
import { inputSize } from '../../lib/contracts/dataset.ts';
import { openModelFolder, saveModel } from '../models/model-folder.ts';
import { TraceAnomalyLocalizer } from '../../methods/traceanomaly-rca/localizer.ts';
import { DEFAULT_OPTIONS, TRACEANOMALY_OPTIONS, type TraceAnomalyOptions } from '../../methods/traceanomaly/options.ts';
import { flagOf, optionFlags, optionHelp, optionsFromFlags } from '../../lib/options/schema.ts';
import { TraceAnomalyDetector } from '../../methods/traceanomaly/detector.ts';
import { fitProgress } from './fit-progress.ts';
import { parseCommand, requireString, UsageError } from './args.ts';
import { InputError } from '../../lib/util/errors.ts';
import { INPUT_OPTIONS, readModelInput } from './model-input.ts';
import { MAX_SPANS_HELP } from './trace-read-flags.ts';


/** The options `detect` takes too (they apply when scoring); `train` takes every option of the schema. */
export const RUN_NAMES = ['seed', 'backend', 'workers', 'samples', 'alpha'] as const;
const TRAIN_NAMES = Object.keys(TRACEANOMALY_OPTIONS.shape).filter((n) => flagOf(TRACEANOMALY_OPTIONS, n) !== undefined);

export const TRAIN_USAGE = `traceanomaly train --in FILE [--format F] [--columns MAP.json] [--strict] [--max-spans-per-trace N] --out MODEL_DIR
                   [any option below]
  Trains TraceAnomaly (paper sec. III) on normal traces: STVs (released text format or stv.csv) or a raw export
  (call paths are then built from it). 10% of the traces are held out for early stopping; the decision KDE is
  fitted to normal log p(x) from --calibration: the held-out traces, the training traces themselves, or every
  training trace scored by a model of K folds that did not train on it (crossfit).
  Writes MODEL_DIR/model.json, weights.bin, hstv.json (for root causes) and, for raw traces, callpaths.json.
  Options (docs/options.md; lists are comma-separated):
${optionHelp(TRACEANOMALY_OPTIONS, TRAIN_NAMES)}
  ${MAX_SPANS_HELP}`;

/** Detector options from the flags both commands share (train and detect). */
export function runOptions(o: Record<string, unknown>): Partial<TraceAnomalyOptions> {
  return optionsFromFlags(TRACEANOMALY_OPTIONS, o, RUN_NAMES);
}

export async function trainCommand(args: string[]): Promise<number> {
  const { values: o } = parseCommand(args, {
    ...INPUT_OPTIONS,
    out: { type: 'string' },
    ...optionFlags(TRACEANOMALY_OPTIONS, TRAIN_NAMES),
  });
  if (o.help) {
    console.log(TRAIN_USAGE);
    return 0;
  }
  const file = requireString(o.in, 'in');
  const outDir = requireString(o.out, 'out');
  const options: TraceAnomalyOptions = { ...DEFAULT_OPTIONS, ...optionsFromFlags(TRACEANOMALY_OPTIONS, o, TRAIN_NAMES) };
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
  await saveModel(outDir, detector.model, detector.options, localizer.reference, folder);
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
