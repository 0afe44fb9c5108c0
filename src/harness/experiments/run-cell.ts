import { performance } from 'node:perf_hooks';
import type { DataSplit, Dataset, DetectorInput } from '../../lib/contracts/dataset.ts';
import type { Detector, FitHooks } from '../../lib/contracts/detector.ts';
import type { CellResult } from '../../lib/contracts/experiment.ts';
import { evaluateDetection } from '../../lib/metrics/detection.ts';
import { evaluateLocalization, localizationValues } from '../../lib/metrics/localization.ts';
import { InputError } from '../../lib/util/errors.ts';
import { canonicalJson } from '../../lib/util/canonical-json.ts';
import type { DetectionMethod, LocalizationMethod, MethodContext, MethodEntry, TaskMethod } from './registry.ts';

/** The part of a result a cell computes; the runner adds the spec, key, versions and time stamp. */
export type CellOutcome = Pick<CellResult, 'status' | 'reason' | 'metrics' | 'perType' | 'curve' | 'ranking' | 'values' | 'artifacts' | 'times'> & {
  methodOptions?: Record<string, unknown>;
};

/** What a method is given to read: traces and/or STVs, never labels. */
export function withoutLabels(split: DataSplit): DetectorInput {
  const out: DetectorInput = {};
  if (split.traces) out.traces = split.traces;
  if (split.stv) out.stv = split.stv;
  return out;
}

export interface TestTruth {
  ids: string[];
  truth: Uint8Array;
  types: (string | null)[];
  rootCauses: (string | null)[];
}

/** The labels of the test rows, in row order; every test row must have one. */
export function testTruth(dataset: Dataset): TestTruth {
  const ids = dataset.test.traces?.map((t) => t.id) ?? dataset.test.stv?.ids ?? [];
  const labels = dataset.test.labels;
  if (!labels) throw new InputError({}, `dataset ${dataset.name}: the test split has no labels`);
  const truth = new Uint8Array(ids.length);
  const types: (string | null)[] = new Array(ids.length);
  const rootCauses: (string | null)[] = new Array(ids.length);
  ids.forEach((id, i) => {
    const l = labels.get(id);
    if (!l) throw new InputError({ traceId: id }, `dataset ${dataset.name}: test trace has no label`);
    truth[i] = l.label;
    types[i] = l.label === 1 ? (l.anomalyType ?? null) : null;
    rootCauses[i] = l.label === 1 ? (l.rootCause ?? null) : null;
  });
  return { ids, truth, types, rootCauses };
}

function missingInput(needs: 'traces' | 'stv' | 'either', dataset: Dataset): string | null {
  const has = (k: 'traces' | 'stv') => dataset.train[k] !== undefined && dataset.test[k] !== undefined;
  if (needs === 'either') return has('traces') || has('stv') ? null : 'the dataset has neither traces nor STVs';
  return has(needs) ? null : `the method needs ${needs === 'traces' ? 'raw traces' : 'STVs'}; dataset ${dataset.name} has ${has('traces') ? 'traces only' : 'STVs only'}`;
}

const seconds = (t0: number): number => (performance.now() - t0) / 1000;

/**
 * Trained models that later cells of a run may share (Detector.fitKey): one per data set, seed, method and fit
 * key, with the seconds its training took.
 */
export class SharedFits {
  private readonly fits = new Map<string, { state: unknown; trainSec: number }>();
  /** The data the stored fits were trained on; another data set empties the store (one model set in memory). */
  private dataId: string | null = null;

  key(dataId: string, method: string, seed: number, fitKey: string): string {
    if (dataId !== this.dataId) {
      this.fits.clear();
      this.dataId = dataId;
    }
    return canonicalJson([dataId, method, seed, fitKey]);
  }

  get(key: string) {
    return this.fits.get(key);
  }

  set(key: string, state: unknown, trainSec: number): void {
    this.fits.set(key, { state, trainSec });
  }
}

/** Fits the detector, or adopts a model an earlier cell trained with the same fit key on the same data. */
async function fitOrShare(detector: Detector, train: DetectorInput, hooks: FitHooks, share?: { fits: SharedFits; dataId: string; method: string; seed: number }): Promise<CellOutcome['times']> {
  const t0 = performance.now();
  const reusable = share && detector.fitKey && detector.fittedState && detector.adoptFit;
  const key = reusable ? share.fits.key(share.dataId, share.method, share.seed, detector.fitKey!()) : null;
  const earlier = key === null ? undefined : share!.fits.get(key);
  if (earlier) {
    await detector.adoptFit!(earlier.state, train, hooks);
    const fitSharedSec = seconds(t0);
    return { trainSec: earlier.trainSec + fitSharedSec, testSec: 0, fitSharedSec };
  }
  await detector.fit(train, hooks);
  const trainSec = seconds(t0);
  if (key !== null) share!.fits.set(key, detector.fittedState!(), trainSec);
  return { trainSec, testSec: 0 };
}

async function runDetection(method: DetectionMethod, ctx: MethodContext, dataset: Dataset, hooks: FitHooks, share?: { fits: SharedFits; dataId: string }): Promise<CellOutcome> {
  const detector: Detector = await method.create(ctx);
  const missing = missingInput(detector.needs, dataset);
  if (missing) return { status: 'not-applicable', reason: missing, times: { trainSec: 0, testSec: 0 }, methodOptions: { ...detector.options } };
  const truth = testTruth(dataset);
  const fitTimes = await fitOrShare(detector, withoutLabels(dataset.train), hooks, share && { ...share, method: `${method.name}@${method.version}`, seed: ctx.seed });
  const t0 = performance.now();
  const test = withoutLabels(dataset.test);
  const scores = await detector.score(test, hooks);
  const flagged = detector.decide(scores);
  const named = detector.anomalyTypes ? await detector.anomalyTypes(test) : undefined;
  const testSec = seconds(t0);
  const diagnostics = detector.diagnostics?.();
  if (scores.length !== truth.ids.length) throw new Error(`${method.name} returned ${scores.length} scores for ${truth.ids.length} test rows`);
  const e = evaluateDetection({
    truth: truth.truth,
    trueTypes: truth.types,
    scores,
    flagged,
    detects: detector.detects,
    ...(named ? { namedTypes: named } : {}),
  });
  return {
    status: 'ok',
    metrics: e.metrics,
    perType: e.perType,
    curve: e.curve.map(({ threshold, precision, recall }) => ({ threshold, precision, recall })),
    ...(diagnostics && Object.keys(diagnostics).length > 0 ? { values: diagnostics } : {}),
    times: { ...fitTimes, testSec },
    methodOptions: { ...detector.options },
  };
}

async function runLocalization(method: LocalizationMethod, ctx: MethodContext, dataset: Dataset, ks: number[]): Promise<CellOutcome> {
  const localizer = await method.create(ctx);
  const truth = testTruth(dataset);
  const rows: number[] = [];
  truth.rootCauses.forEach((r, i) => {
    if (r !== null) rows.push(i);
  });
  if (rows.length === 0) return { status: 'not-applicable', reason: `dataset ${dataset.name} has no test rows with a known root cause`, times: { trainSec: 0, testSec: 0 } };
  // supervised localizers (MEPFL) learn from labelled fault-injection data; the others never see labels
  const train: DataSplit = localizer.supervised ? (dataset.faultTrain ?? dataset.train) : withoutLabels(dataset.train);
  if (localizer.supervised && ![...(train.labels?.values() ?? [])].some((l) => l.label === 1 && l.rootCause)) {
    const reason = `${method.name} is supervised and dataset ${dataset.name} has no labelled fault-injection training traces (faultTrain, or train labels with root causes)`;
    return { status: 'not-applicable', reason, times: { trainSec: 0, testSec: 0 }, methodOptions: { ...localizer.options } };
  }
  let t0 = performance.now();
  await localizer.fit(train);
  const trainSec = seconds(t0);
  t0 = performance.now();
  const rankings = await localizer.rank(withoutLabels(dataset.test), rows);
  const testSec = seconds(t0);
  if (rankings.length !== rows.length) throw new Error(`${method.name} returned ${rankings.length} rankings for ${rows.length} rows`);
  const e = evaluateLocalization(rankings, rows.map((i) => truth.rootCauses[i] as string), ks);
  return {
    status: 'ok',
    ranking: { cases: e.service.cases, precisionAtK: Object.fromEntries(Object.entries(e.service.at)) },
    values: localizationValues(e),
    times: { trainSec, testSec },
    methodOptions: { ...localizer.options },
  };
}

async function runTask(method: TaskMethod, ctx: MethodContext, dataset: Dataset, hooks: FitHooks): Promise<CellOutcome> {
  const t0 = performance.now();
  const out = await method.run({ ...ctx, dataset, hooks });
  return {
    status: 'ok',
    values: out.values,
    ...(out.artifacts ? { artifacts: out.artifacts } : {}),
    times: out.times ?? { trainSec: 0, testSec: seconds(t0) },
  };
}

/**
 * Runs one cell: fit on the training split, evaluate on the test split. With `share`, a detection cell may take
 * the trained model of an earlier cell on the same data (`dataId`) that differed only in options used after
 * training, and leaves its own for later ones.
 */
export function runCell(method: MethodEntry, ctx: MethodContext, dataset: Dataset, hooks: FitHooks, ks: number[] = [1, 2, 3], share?: { fits: SharedFits; dataId: string }): Promise<CellOutcome> {
  switch (method.kind) {
    case 'detection':
      return runDetection(method, ctx, dataset, hooks, share);
    case 'localization':
      return runLocalization(method, ctx, dataset, ks);
    case 'task':
      return runTask(method, ctx, dataset, hooks);
  }
}
