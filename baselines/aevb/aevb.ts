import { BACKEND_CHOICES, useBackend } from '../../src/lib/backend/backend.ts';
import { aboveThreshold } from '../../src/lib/decision/threshold.ts';
import type { AnomalyType, DetectorInput } from '../../src/lib/contracts/dataset.ts';
import type { Detector, FitHooks, ProgressEvent } from '../../src/lib/contracts/detector.ts';
import { traceKey } from '../../src/lib/detector/analysis.ts';
import { DEFAULT_VAE, type VaeConfig } from '../../src/lib/model/config.ts';
import { trainParams, type TrainReport } from '../../src/lib/model/trainer.ts';
import { DEFAULT_TRAIN } from '../../src/lib/model/train-options.ts';
import { FlowVae } from '../../src/lib/model/vae.ts';
import type { Trace } from '../../src/lib/trace/trace.ts';
import { InputError } from '../../src/lib/util/errors.ts';
import { choice, defaultsOf, int, intList, num, optionSchema, type OptionsOf } from '../../src/lib/options/schema.ts';
import { COMBINES, fillGaps, MICROSERVICE_KEYS, windowsEndingAt } from '../../src/lib/trace-features/rt-series.ts';
import { DEFAULT_SIGMA, GroupIndex, GroupMoments, type Bands } from '../../src/lib/decision/three-sigma.ts';
import { requireTraces } from '../../src/lib/detector/trace-detector.ts';
import { DynamicThreshold, tolerate } from './dynamic-threshold.ts';
import { lastPointErrors } from './reconstruction.ts';
import { microserviceSeries, TIME_AXES, type PointSeries } from './series.ts';

/** How axis `trace` fills a point the trace lacks. */
export const AEVB_FILLS = ['zero', 'previous', 'mean'] as const;
/** What a test trace calling a microservice training never saw is. */
export const UNSEEN_RULES = ['ignore', 'anomalous'] as const;

// rt-series.ts's lists, as the non-empty tuples `choice` takes

/** Every AEVB option with its default; [I] choices of spec sec. 6 are marked there. */
export const AEVB_OPTIONS = optionSchema({
  key: choice(MICROSERVICE_KEYS, 'service', { doc: 'What one VAE models: a microservice by service name (the paper: "one model for each microservice") or callee#endpoint (spec 6.2)' }),
  axis: choice(TIME_AXES, 'trace', { doc: "Time axis of the series: every trace (missing points filled, the paper's reading) or the microservice's own calls [I]" }),
  fill: choice(AEVB_FILLS, 'zero', { doc: 'Axis trace: how a missing point is filled: 0 ms, the last observed value, or the training mean [I]' }),
  combine: choice(COMBINES, 'mean', { doc: 'Axis trace: several calls of the microservice in one trace [I]' }),
  window: int(32, { min: 1 }, { doc: 'w: window length in points (spec 6.3: 32; 1 = a point-wise VAE)' }),
  zDim: int(4, { min: 1 }, { doc: 'd: latent dimensions' }),
  hidden: intList([64, 32], {}, { doc: 'Hidden widths of the encoder and, in the same order, of the decoder' }),
  epochs: int(20, { min: 1 }, { doc: 'Most training epochs per microservice (early stopping may end sooner)' }),
  batchSize: int(256, { min: 1 }, { doc: 'Windows per optimiser step' }),
  learningRate: num(1e-3, { gt: 0 }, { doc: "Adam's learning rate" }),
  validFraction: num(0.2, { min: 0, lt: 1 }, { doc: "The last share of each series' windows, in time order: early stopping and the initial error statistics" }),
  patience: int(3, { min: 1 }, { doc: 'Stop after this many epochs without a better validation loss; the best weights are kept' }),
  errorSamples: int(10, { min: 1 }, { doc: 'z samples per window for the reconstruction error' }),
  kappa: num(3, { gt: 0 }, { doc: 'A point is anomalous above the dynamic threshold mu_e + kappa sigma_e' }),
  history: int(1000, { min: 1 }, { doc: 'H: errors judged normal that the dynamic threshold keeps' }),
  toleranceP: int(1, { min: 1 }, { doc: 'Tolerance module: alarm when at least toleranceQ of the last toleranceP points are anomalous (1, 1: off)' }),
  toleranceQ: int(1, { min: 1 }, { doc: 'Tolerance module: anomalous points among the last toleranceP that raise an alarm (at most toleranceP)' }),
  minPoints: int(200, { min: 0 }, { doc: 'Microservices with fewer training points get 3-sigma on their response time instead of a VAE' }),
  unseen: choice(UNSEEN_RULES, 'ignore', { doc: 'A test trace calling a microservice training never saw: ignored (AEVB has no path model), or a path anomaly' }),
  seed: int(1, { min: 0 }, { doc: "Seed of every random choice (an experiment cell's seed replaces it)" }),
  backend: choice(BACKEND_CHOICES, 'auto', { doc: 'tfjs backend (docs/backends.md)' }),
});

export type AevbOptions = OptionsOf<typeof AEVB_OPTIONS>;

export const AEVB_DEFAULTS: AevbOptions = defaultsOf(AEVB_OPTIONS);

/** What fit keeps per microservice. */
interface VaePart {
  kind: 'vae';
  /** Mean and std of log(1 + rt) over the training points: the scaling y = (log(1 + rt) - mean) / std. */
  mean: number;
  std: number;
  params: Float32Array;
  /** Validation errors: the dynamic threshold's starting window. */
  errors: Float64Array;
  /** The last w - 1 scaled training values: the history of the first test windows. */
  tail: Float32Array;
  /** Last observed scaled value (fill `previous`). */
  carry: number;
  report: TrainReport;
}
type Part = VaePart | { kind: 'sigma' };

export interface AevbSummary {
  microservice: string;
  model: 'vae' | 'sigma';
  points: number;
  epochs?: number;
  trainSeconds?: number;
}

interface Verdicts {
  scores: Float64Array;
  types: (AnomalyType | null)[];
}

/**
 * AEVB (Nedelkoski, Cardoso, Kao, CCGrid 2019) as TraceAnomaly used it (paper sec. I-A, spec sec. 6): one VAE
 * per microservice over its response-time series, trained on windows of w points; a point is anomalous when
 * the reconstruction error of its window's last point leaves the dynamic threshold mu_e + kappa sigma_e; a
 * trace is anomalous when any of its microservices' points is. The VAE is the project's flow-VAE with K = 0
 * (src/lib/model/vae.ts: leaky-ReLU nets, learned output std), trained one microservice after another by the
 * project's trainer. Detects response-time anomalies only (Table II).
 *
 * score = the largest z = (e - mu_e) / sigma_e over the trace's points (3-sigma |z| for microservices with
 * too few points; 0 for a trace with no judged point; +Infinity for an unseen microservice with
 * `unseen: 'anomalous'`); anomalous when score > kappa. Scores depend on the whole input, in time order: the
 * windows of a trace hold the traces before it (and, for the first, the end of the training data).
 */
export class AevbDetector implements Detector {
  readonly name = 'aevb';
  readonly needs = 'traces' as const;
  readonly options: Readonly<AevbOptions>;
  private index = new GroupIndex<string>();
  private parts: Part[] = [];
  private bands: Bands | null = null;
  private cache = new WeakMap<Trace[], Verdicts>();
  /** Per microservice: its model and training, after fit. */
  summary: AevbSummary[] = [];
  /** Windows that went through training steps, over all microservices and epochs. */
  trainedSamples = 0;

  constructor(options: Partial<AevbOptions> = {}) {
    this.options = { ...AEVB_DEFAULTS, ...options };
    const o = this.options;
    if (o.axis === 'span' && o.fill !== AEVB_DEFAULTS.fill) throw new InputError({}, 'aevb: fill applies to axis "trace" only (axis "span" has no missing points)');
    if (o.toleranceQ > o.toleranceP) throw new InputError({}, `aevb: toleranceQ (${o.toleranceQ}) must be at most toleranceP (${o.toleranceP})`);
  }

  get detects(): readonly AnomalyType[] {
    return this.options.unseen === 'anomalous' ? ['rt', 'path'] : ['rt'];
  }

  async fit(data: DetectorInput, hooks?: FitHooks): Promise<void> {
    const o = this.options;
    await useBackend(o.backend);
    const traces = requireTraces(data, this.name);
    if (traces.length === 0) throw new InputError({}, 'aevb: no training traces');
    this.index = new GroupIndex<string>();
    const { series } = microserviceSeries(traces, this.index, { ...o, learn: true });
    const moments = new GroupMoments();
    this.parts = [];
    this.summary = [];
    this.trainedSamples = 0;
    for (let j = 0; j < series.length; j++) {
      const name = this.index.keys[j];
      const s = series[j];
      const points = s.rt.reduce((a, v) => a + (Number.isNaN(v) ? 0 : 1), 0);
      if (points < Math.max(o.minPoints, o.window + 1)) {
        for (const v of s.rt) if (!Number.isNaN(v)) moments.add(j, v);
        this.parts.push({ kind: 'sigma' });
        this.summary.push({ microservice: name, model: 'sigma', points });
        continue;
      }
      const forward = hooks?.progress ? { progress: (e: ProgressEvent) => hooks.progress!({ ...e, phase: `${e.phase} ${j + 1}/${series.length}` }) } : undefined;
      const part = await this.fitVae(traces, s, name, forward);
      this.parts.push(part);
      this.summary.push({ microservice: name, model: 'vae', points, epochs: part.report.epochs, trainSeconds: part.report.trainSeconds });
      this.trainedSamples += Math.round(part.report.samplesPerSecond * part.report.trainSeconds);
    }
    this.bands = moments.bands(DEFAULT_SIGMA, series.length);
    this.cache = new WeakMap();
  }

  private vaeConfig(): VaeConfig {
    const o = this.options;
    return { ...DEFAULT_VAE, inputDim: o.window, zDim: o.zDim, hidden: o.hidden, flowLength: 0 };
  }

  private async fitVae(traces: readonly Trace[], s: PointSeries, name: string, hooks?: FitHooks): Promise<VaePart> {
    const o = this.options;
    const w = o.window;
    let sum = 0;
    let sumSq = 0;
    let count = 0;
    for (const v of s.rt) {
      if (Number.isNaN(v)) continue;
      const y = Math.log1p(v);
      sum += y;
      sumSq += y * y;
      count++;
    }
    const mean = sum / count;
    const std = Math.max(Math.sqrt(Math.max(0, sumSq / count - mean * mean)), 1e-3);
    const { scaled, carry } = this.scale(s.rt, mean, std, NaN);
    const ends: number[] = [];
    for (let k = w - 1; k < s.rt.length; k++) if (!Number.isNaN(s.rt[k])) ends.push(k);
    const nValid = Math.round(ends.length * o.validFraction);
    const nTrain = ends.length - nValid;
    const rows = windowsEndingAt(scaled, 1, w, ends);
    const seed = traceKey(`${o.seed}:${name}`);
    const model = new FlowVae(this.vaeConfig());
    const trainOpts = { ...DEFAULT_TRAIN, maxEpochs: o.epochs, batchSize: o.batchSize, learningRate: o.learningRate, patience: o.patience, validEverySteps: 1, minSteps: 0, maxSteps: Infinity, validSamples: 1, workers: 1, seed };
    const { params, report } = await trainParams(model, rows.subarray(0, nTrain * w), rows.subarray(nTrain * w), trainOpts, hooks);
    // the error statistics come from the validation windows (the last training windows when there are none)
    const from = nValid > 0 ? nTrain : Math.max(0, nTrain - o.history);
    const keys = this.keysOf(traces, s.rows, ends.slice(from), name);
    const errors = this.errorsOf(model, params, rows.subarray(from * w), keys, seed);
    const tail = scaled.slice(scaled.length - (w - 1));
    return { kind: 'vae', mean, std, params, errors, tail, carry, report };
  }

  /** y = (log(1 + rt) - mean) / std, missing points filled by the `fill` rule; `carry` continues `previous`. */
  private scale(rt: Float64Array, mean: number, std: number, carry: number): { scaled: Float32Array; carry: number } {
    const fill = this.options.fill;
    const scaled = Float32Array.from(rt, (v) => (Number.isNaN(v) ? NaN : (Math.log1p(v) - mean) / std));
    const constant = fill === 'zero' ? -mean / std : 0;
    const last = Float64Array.of(Number.isNaN(carry) ? constant : carry);
    fillGaps(scaled, 1, [constant], fill === 'previous', last);
    return { scaled, carry: last[0] };
  }

  private keysOf(traces: readonly Trace[], rows: Int32Array, ends: ArrayLike<number>, name: string): Uint32Array {
    const salt = traceKey(name);
    return Uint32Array.from(ends as ArrayLike<number>, (k) => (traceKey(traces[rows[k]].id) ^ salt) >>> 0);
  }

  private errorsOf(model: FlowVae, params: Float32Array, windows: Float32Array, keys: Uint32Array, seed: number): Float64Array {
    const p = model.layout.toTensors(params);
    try {
      return lastPointErrors(model, p, windows, keys.length, { samples: this.options.errorSamples, seed, keys });
    } finally {
      for (const t of Object.values(p)) t.dispose();
    }
  }

  async score(data: DetectorInput, hooks?: FitHooks): Promise<Float64Array> {
    return (await this.verdicts(data, hooks)).scores;
  }

  decide(scores: Float64Array): Uint8Array {
    return aboveThreshold(scores, this.options.kappa);
  }

  async anomalyTypes(data: DetectorInput): Promise<(AnomalyType | null)[]> {
    return (await this.verdicts(data)).types;
  }

  private async verdicts(data: DetectorInput, hooks?: FitHooks): Promise<Verdicts> {
    const o = this.options;
    const traces = requireTraces(data, this.name);
    const hit = this.cache.get(traces);
    if (hit) return hit;
    if (this.bands === null) throw new Error('aevb: score before fit');
    await useBackend(o.backend);
    const { series, unseen } = microserviceSeries(traces, this.index, { ...o, learn: false });
    const scores = new Float64Array(traces.length).fill(-Infinity);
    const model = new FlowVae(this.vaeConfig());
    for (let j = 0; j < series.length; j++) {
      const s = series[j];
      const part = this.parts[j];
      const judged: number[] = [];
      for (let k = 0; k < s.rt.length; k++) if (!Number.isNaN(s.rt[k])) judged.push(k);
      let z: Float64Array;
      if (part.kind === 'sigma') {
        z = Float64Array.from(judged, (k) => this.bands!.deviation(this.bands!.z(j, s.rt[k])));
      } else {
        const { scaled } = this.scale(s.rt, part.mean, part.std, part.carry);
        const full = new Float32Array(part.tail.length + scaled.length);
        full.set(part.tail);
        full.set(scaled, part.tail.length);
        const windows = windowsEndingAt(full, 1, o.window, judged.map((k) => k + part.tail.length));
        const name = this.index.keys[j];
        const e = this.errorsOf(model, part.params, windows, this.keysOf(traces, s.rows, judged, name), traceKey(`${o.seed}:${name}`));
        const threshold = new DynamicThreshold(part.errors, o.history, o.kappa);
        z = Float64Array.from(e, (v) => threshold.next(v));
      }
      const zt = tolerate(z, o.toleranceP, o.toleranceQ);
      judged.forEach((k, i) => {
        const row = s.rows[k];
        if (zt[i] > scores[row]) scores[row] = zt[i];
      });
      hooks?.progress?.({ phase: 'score', done: j + 1, total: series.length, unit: 'series' });
    }
    const types: (AnomalyType | null)[] = new Array(traces.length).fill(null);
    for (let i = 0; i < traces.length; i++) {
      if (scores[i] === -Infinity) scores[i] = 0;
      if (o.unseen === 'anomalous' && unseen[i] > 0) {
        scores[i] = Infinity;
        types[i] = 'path';
      } else if (scores[i] > o.kappa) types[i] = 'rt';
    }
    const v = { scores, types };
    this.cache.set(traces, v);
    return v;
  }
}
