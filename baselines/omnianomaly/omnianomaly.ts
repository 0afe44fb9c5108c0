import * as tf from '@tensorflow/tfjs';
import { aboveThreshold } from '../../src/lib/decision/threshold.ts';
import { BACKEND_CHOICES, useBackend } from '../../src/lib/backend/backend.ts';
import { inputIds, type AnomalyType, type DetectorInput } from '../../src/lib/contracts/dataset.ts';
import type { Detector, FitHooks } from '../../src/lib/contracts/detector.ts';
import { GPD_METHODS, potThreshold, type PotThreshold } from '../../src/lib/decision/pot.ts';
import { traceKey } from '../../src/lib/detector/analysis.ts';
import { scoreNoiseInto } from '../../src/lib/model/noise.ts';
import { trainParams, type TrainReport } from '../../src/lib/model/trainer.ts';
import { DEFAULT_TRAIN } from '../../src/lib/model/train-options.ts';
import { InputError } from '../../src/lib/util/errors.ts';
import { choice, defaultsOf, int, num, optionSchema, type OptionsOf } from '../../src/lib/options/schema.ts';
import { COMBINES, FILL_RULES, MICROSERVICE_KEYS, windowsEndingAt } from '../../src/lib/trace-features/rt-series.ts';
import { DIMENSIONS, OmniInput, type Series } from './input.ts';
import { PRIORS } from './lgssm-prior.ts';
import { DENSE_ACTIVATIONS, OmniModel, type OmniConfig } from './model.ts';

// rt-series.ts's lists, as the non-empty tuples `choice` takes

/**
 * Every OmniAnomaly option: the network's shape (OmniConfig, less what the data decides) and the rest; official
 * defaults (spec 8.1) in brackets where ours differ for CPU training.
 */
export const OMNI_OPTIONS = optionSchema({
  dimensions: choice(DIMENSIONS, 'microservice', { doc: "What a time step holds: the trace's microservice response times (the paper), or its STV call paths (spec 8.2)" }),
  key: choice(MICROSERVICE_KEYS, 'service', { doc: 'Dimensions microservice: a microservice by service name or callee#endpoint' }),
  combine: choice(COMBINES, 'mean', { doc: 'Dimensions microservice: several calls of the microservice in one trace' }),
  fill: choice(FILL_RULES, 'absent', { doc: 'A missing point: -1 (below every scaled time, spec 8.2), 0 ms, the last observed value, or the training mean' }),
  window: int(20, { min: 1 }, { doc: 'T: time steps (traces) per window [100]' }),
  latent: int(3, { min: 1 }, { doc: 'Z: latent dimensions per time step' }),
  rnnHidden: int(64, { min: 1 }, { doc: 'GRU width of the inference and the generative net [500]' }),
  denseDim: int(64, { min: 1 }, { doc: 'Width of the two dense layers after each GRU [500]' }),
  flowLength: int(20, { min: 0 }, { doc: 'Planar flow layers on each z_t' }),
  denseActivation: choice(DENSE_ACTIVATIONS, 'linear', { doc: "Activation of those dense layers: none in the official code ('linear'), or leaky ReLU" }),
  prior: choice(PRIORS, 'lgssm', { doc: 'The prior over z_1..T: the linear Gaussian state-space model, or N(0, I) per step' }),
  epochs: int(10, { min: 1 }, { doc: 'Epochs at most' }),
  batchSize: int(256, { min: 1 }, { doc: 'Windows per step [50]' }),
  learningRate: num(1e-3, { gt: 0 }, { doc: "Adam's learning rate" }),
  lrDecayEvery: int(40, { min: 1 }, { doc: 'The learning rate is halved every this many epochs' }),
  l2: num(1e-4, { min: 0 }, { doc: 'L2 weight on the dense kernels' }),
  clipNorm: num(10, { gt: 0 }, { doc: "Each parameter's gradient is clipped to this L2 norm" }),
  validFraction: num(0.3, { min: 0, lt: 1 }, { doc: "The last share of the training series' windows, for early stopping" }),
  patience: int(3, { min: 1 }, { doc: 'Epochs without a better validation loss before stopping; the best weights are kept' }),
  potLevel: num(0.01, { gt: 0, lt: 1 }, { doc: "POT on the training windows' scores: the share of them above the initial threshold t0" }),
  potQ: num(1e-3, { gt: 0, lt: 1 }, { doc: 'POT risk q: the threshold is the score exceeded with probability q' }),
  potMethod: choice(GPD_METHODS, 'grimshaw', { doc: "POT's GPD fit" }),
  scoreSamples: int(1, { min: 1 }, { doc: 'z samples per window when scoring (official test_n_z = 1)' }),
  seed: int(1, { min: 0 }, { doc: "Seed of every random choice (an experiment cell's seed replaces it)" }),
  backend: choice(BACKEND_CHOICES, 'auto', { doc: 'tfjs backend (docs/backends.md)' }),
});

export type OmniOptions = OptionsOf<typeof OMNI_OPTIONS>;

export const OMNI_DEFAULTS: OmniOptions = defaultsOf(OMNI_OPTIONS);

export interface OmniFitted {
  spec: OmniConfig;
  params: Float32Array;
  /** The last T - 1 rows of the training series: the history of the first test windows. */
  tail: Float32Array;
  pot: PotThreshold;
  report: TrainReport;
}

const CHUNK_WINDOWS = 256;

/**
 * OmniAnomaly (Su et al., KDD 2019) as a trace detector (paper sec. V-B, spec sec. 8): the traces of the service
 * in start-time order form a multivariate time series (one step per trace; microservice response times, or
 * STV call paths), scaled to [0, 1] with missing points filled; the stochastic recurrent VAE of model.ts is
 * trained on sliding windows of T traces; a trace's score is -log p(x_T | z) of the window ending at it (the
 * traces before it, and for the first ones the end of the training series); the threshold is POT's z_q over
 * the training windows' scores, computed once and applied unchanged (not SPOT's streaming update). Detects
 * response-time anomalies only (Table II).
 *
 * score = -log p(x_T | z), higher = more anomalous; anomalous when above the POT threshold.
 */
export class OmniAnomalyDetector implements Detector {
  readonly name = 'omnianomaly';
  readonly detects: readonly AnomalyType[] = ['rt'];
  readonly options: Readonly<OmniOptions>;
  private input: OmniInput;
  private fitted: OmniFitted | null = null;
  private cache = new WeakMap<object, Float64Array>();

  constructor(options: Partial<OmniOptions> = {}) {
    this.options = { ...OMNI_DEFAULTS, ...options };
    this.input = new OmniInput(this.options);
  }

  get needs(): 'traces' | 'either' {
    return this.options.dimensions === 'microservice' ? 'traces' : 'either';
  }

  get model(): OmniFitted {
    if (!this.fitted) throw new Error('omnianomaly: score before fit');
    return this.fitted;
  }

  private spec(features: number): OmniConfig {
    const o = this.options;
    return { window: o.window, features, latent: o.latent, rnnHidden: o.rnnHidden, denseDim: o.denseDim, flowLength: o.flowLength, denseActivation: o.denseActivation, prior: o.prior, stdEpsilon: 1e-4, l2: o.l2 };
  }

  async fit(data: DetectorInput, hooks?: FitHooks): Promise<void> {
    const o = this.options;
    await useBackend(o.backend);
    this.input = new OmniInput(o);
    const series = this.input.fit(data);
    const n = series.order.length;
    const T = o.window;
    if (n < T + 1) throw new InputError({}, `omnianomaly: ${n} training traces are fewer than a window (${T}) plus one`);
    const ends = Int32Array.from({ length: n - T + 1 }, (_, i) => i + T - 1);
    const nValid = Math.round(ends.length * o.validFraction);
    const nTrain = ends.length - nValid;
    const rows = windowsEndingAt(series.values, series.width, T, ends);
    const model = new OmniModel(this.spec(series.width));
    const D = model.config.inputDim;
    const trainOpts = { ...DEFAULT_TRAIN, maxEpochs: o.epochs, batchSize: o.batchSize, learningRate: o.learningRate, lrDecayEvery: o.lrDecayEvery, clipNorm: o.clipNorm, patience: o.patience, validEverySteps: 1, minSteps: 0, maxSteps: Infinity, validSamples: 1, workers: 1, seed: o.seed };
    const { params, report } = await trainParams(model, rows.subarray(0, nTrain * D), rows.subarray(nTrain * D), trainOpts, hooks);
    // POT over the scores of every training window (official: the whole training series)
    const ids = inputIds(data);
    const keys = Uint32Array.from(ends, (k) => traceKey(ids[series.order[k]]));
    const trainScores = this.scoreWindows(model, params, rows, keys, hooks, 'score training windows');
    const pot = potThreshold(trainScores, { level: o.potLevel, q: o.potQ, method: o.potMethod });
    const tail = series.values.slice((n - (T - 1)) * series.width);
    this.fitted = { spec: model.spec, params, tail, pot, report };
    this.cache = new WeakMap();
  }

  /** -log p(x_T | z) of windows (rows of T x M), in chunks; noise keyed per window by `keys`. */
  private scoreWindows(model: OmniModel, params: Float32Array, windows: Float32Array, keys: Uint32Array, hooks: FitHooks | undefined, phase: string): Float64Array {
    const D = model.config.inputDim;
    const Z = model.config.zDim;
    const L = this.options.scoreSamples;
    const n = keys.length;
    const out = new Float64Array(n);
    const p = model.layout.toTensors(params);
    try {
      for (let start = 0; start < n; start += CHUNK_WINDOWS) {
        const b = Math.min(CHUNK_WINDOWS, n - start);
        const eps = new Float32Array(L * b * Z);
        for (let i = 0; i < b; i++) scoreNoiseInto(this.options.seed, keys[start + i], L, Z, eps, b, i);
        const lp = tf.tidy(() => model.lastLogPx(p, tf.tensor2d(windows.subarray(start * D, (start + b) * D), [b, D]), tf.tensor2d(eps, [L * b, Z])));
        const v = lp.dataSync();
        lp.dispose();
        for (let i = 0; i < b; i++) out[start + i] = -v[i];
        hooks?.progress?.({ phase, done: start + b, total: n, unit: 'windows' });
      }
    } finally {
      for (const t of Object.values(p)) t.dispose();
    }
    return out;
  }

  async score(data: DetectorInput, hooks?: FitHooks): Promise<Float64Array> {
    const m = this.model;
    const source = data.traces ?? data.stv;
    const hit = source && this.cache.get(source);
    if (hit) return hit;
    await useBackend(this.options.backend);
    const series: Series = this.input.transform(data);
    const T = this.options.window;
    const W = series.width;
    const full = new Float32Array(m.tail.length + series.values.length);
    full.set(m.tail);
    full.set(series.values, m.tail.length);
    const n = series.order.length;
    const ends = Int32Array.from({ length: n }, (_, k) => k + T - 1);
    const ids = inputIds(data);
    const keys = Uint32Array.from(series.order, (row) => traceKey(ids[row]));
    const model = new OmniModel(m.spec);
    const scores = new Float64Array(n);
    // windows are built chunk by chunk: T x W floats per trace would not fit in memory for long test days
    const per = CHUNK_WINDOWS * 16;
    for (let s = 0; s < n; s += per) {
      const e = Math.min(n, s + per);
      const part = this.scoreWindows(model, m.params, windowsEndingAt(full, W, T, ends.subarray(s, e)), keys.subarray(s, e), hooks && { progress: (ev) => hooks.progress?.({ ...ev, done: s + ev.done, total: n }) }, 'score');
      part.forEach((v, i) => (scores[series.order[s + i]] = v));
    }
    if (source) this.cache.set(source, scores);
    return scores;
  }

  decide(scores: Float64Array): Uint8Array {
    return aboveThreshold(scores, this.model.pot.threshold);
  }

  async anomalyTypes(data: DetectorInput): Promise<(AnomalyType | null)[]> {
    const flagged = this.decide(await this.score(data));
    return Array.from(flagged, (f) => (f === 1 ? 'rt' : null));
  }
}
