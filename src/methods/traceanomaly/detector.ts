import { useBackend, type BackendInfo } from '../../lib/backend/backend.ts';
import type { AnomalyType, DetectorInput } from '../../lib/contracts/dataset.ts';
import type { Detector, FitHooks } from '../../lib/contracts/detector.ts';
import { GaussianKde } from '../../lib/decision/kde.ts';
import { DEFAULT_VAE, type VaeConfig } from '../../lib/model/config.ts';
import type { TrainEngine } from '../../lib/model/engine.ts';
import { openEngine, train, TrainingDivergedError, type TrainReport } from '../../lib/model/trainer.ts';
import { InputError } from '../../lib/util/errors.ts';
import { FlowVae } from '../../lib/model/vae.ts';
import type { Whitelist } from '../../lib/stv/whitelist.ts';
import type { StvMatrix } from '../../lib/stv/matrix.ts';
import { canonicalJson } from '../../lib/util/canonical-json.ts';
import { traceKey, type Analysis } from '../../lib/detector/analysis.ts';
import { DEFAULT_OPTIONS, type TraceAnomalyOptions } from './options.ts';
import type { InputSpace } from '../../lib/detector/prepare.ts';
import { anomalyScores, calibrationValues, decideByPValue, prepareScoring, prepareTraining, type CalibrationValues, type PreparedTraining } from '../../lib/detector/pipeline.ts';
import { calibrationInfo, calibrationWarning, type CalibrationInfo } from '../../lib/decision/calibration.ts';
import { Random } from '../../lib/util/random.ts';
import { median } from 'simple-statistics';

/** Everything a fitted detector holds; saved and loaded as a model folder (model-folder.ts). */
export interface FittedModel {
  config: VaeConfig;
  params: Float32Array;
  space: InputSpace;
  kde: GaussianKde;
  /** Which normal traces the KDE was fitted to (absent in model folders written before calibration sources). */
  calibration?: CalibrationInfo;
  report?: TrainReport;
  /** The backend the model was trained on. */
  backend?: string;
}

/**
 * Training diverged: an input error naming the most extreme training value (trace, dimension, standard
 * deviations from the dimension's mean), the likeliest cause in the data.
 */
function divergedError(e: TrainingDivergedError, parts: StvMatrix[], space: InputSpace): InputError {
  let rows = parts[0];
  let at = -1;
  for (const m of parts) {
    for (let k = 0; k < m.values.length; k++) {
      if (at < 0 || !(Math.abs(m.values[k]) <= Math.abs(rows.values[at]))) {
        rows = m;
        at = k;
      }
    }
  }
  if (at < 0) return new InputError({}, `${e.message}; the training data are the cause or the options (learning schedule, flow) are`);
  const j = at % rows.width;
  const dim = space.norm.columns[j];
  const name = space.dimensionIds?.[dim] ?? `${dim + 1}`;
  return new InputError(
    { traceId: rows.ids[Math.floor(at / rows.width)] },
    `${e.message}; its most extreme training value is dimension ${name}, ${rows.values[at].toPrecision(3)} standard deviations from the dimension's mean: check such values in the input`,
  );
}

/**
 * What fit() learns apart from the decision KDE, and the calibration sets computed from it so far (keyed by
 * calibration source, folds and L_z): cells of an experiment that differ only in options used after training
 * share one such state (Detector.fitKey), so that crossfit's fold models are trained once for every alpha.
 */
interface TrainedState {
  config: VaeConfig;
  params: Float32Array;
  space: InputSpace;
  report: TrainReport;
  backend: string;
  calibrations: Map<string, CalibrationValues>;
  /** Scores of inputs already scored with this state (see scoreRows). */
  scored: WeakMap<object, Map<string, { rows: number[]; logPx: Float64Array; elbo: Float64Array }>>;
}

/**
 * TraceAnomaly (Liu et al., ISSRE 2020) behind the Detector contract: STVs (built from raw traces when those
 * are given), normalised as the reference code does; the flow-VAE trained by SGVB on 90% of the training
 * traces with early stopping on the held-out 10%; log p(x) by importance sampling; a KDE over normal traces'
 * log p(x) from the calibration source (held-out, training or cross-fitted traces); anomalous when the left-tail
 * p-value is below alpha or the trace has an unseen call path (not whitelisted).
 *
 * score() returns -log p(x), +Infinity for a trace with an unseen call path.
 */
export class TraceAnomalyDetector implements Detector {
  readonly needs = 'either' as const;
  readonly detects: readonly AnomalyType[] = ['rt', 'path'];
  readonly options: Readonly<TraceAnomalyOptions>;
  private fitted: FittedModel | null = null;
  private trained: TrainedState | null = null;
  private backendInfo: BackendInfo | null = null;
  /** The last analysis, for callers that want more than scores (p-values, unseen paths). */
  lastAnalysis: Analysis | null = null;

  constructor(options: Partial<TraceAnomalyOptions> = {}, private whitelist?: Whitelist) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
  }

  get name(): string {
    return this.options.name;
  }

  get model(): FittedModel {
    if (!this.fitted) throw new Error(`${this.name}: fit() or load a model first`);
    return this.fitted;
  }

  /** Uses a trained model (from a model folder) instead of fitting. */
  useModel(m: FittedModel): void {
    this.fitted = m;
  }

  setWhitelist(w: Whitelist | undefined): void {
    this.whitelist = w;
  }

  /** The tfjs backend in use (after fit or score), for logs and result files. */
  get backend(): BackendInfo | null {
    return this.backendInfo;
  }

  private async backendReady(): Promise<void> {
    this.backendInfo ??= await useBackend(this.options.backend);
  }

  private vaeConfig(inputDim: number): VaeConfig {
    const o = this.options;
    return { inputDim, zDim: o.zDim, hidden: o.hidden, flow: o.flow, flowLength: o.flowLength, couplingHidden: o.couplingHidden, leakySlope: DEFAULT_VAE.leakySlope, stdEpsilon: o.stdMin, l2: DEFAULT_VAE.l2 };
  }

  async fit(data: DetectorInput, hooks?: FitHooks): Promise<void> {
    await this.backendReady();
    const prepared = prepareTraining(data, this.options);
    const config = this.vaeConfig(prepared.space.norm.columns.length);
    const { engine, report } = await train(new FlowVae(config), prepared.train.values, prepared.valid.values, { ...this.options }, hooks).catch((e: unknown) => {
      throw e instanceof TrainingDivergedError ? divergedError(e, [prepared.train, prepared.valid], prepared.space) : e;
    });
    try {
      this.trained = { config, params: await engine.params(), space: prepared.space, report, backend: this.backendInfo!.name, calibrations: new Map(), scored: new WeakMap() };
      await this.calibrate(prepared, engine, hooks);
    } finally {
      await engine.close();
    }
  }

  /**
   * Fits the decision KDE to the calibration set of this detector's options (computed once per trained state,
   * source, folds and L_z), and warns when that set is too small to resolve alpha. Scoring the calibration
   * traces at the full L_z takes as long as scoring that many test traces: progress phase `kde`.
   */
  private async calibrate(prepared: PreparedTraining, engine: TrainEngine, hooks?: FitHooks): Promise<void> {
    const o = this.options;
    const state = this.trained!;
    const key = canonicalJson({ calibration: o.calibration, folds: o.calibration === 'crossfit' ? o.folds : null, samples: o.samples });
    let values = state.calibrations.get(key);
    if (!values) {
      values = await calibrationValues(prepared, o, {
        scoreFitted: async (rows) => (await this.scoreMatrix(engine, rows, 'kde', hooks)).logPx,
        fitFold: (fold, folds, trainRows, validRows, out) => this.fitFold(state.config, fold, folds, trainRows, validRows, out, hooks),
      });
      state.calibrations.set(key, values);
    }
    const calibration = calibrationInfo(o.calibration, values.logDensity.length, o.alpha, o.folds);
    const warning = calibrationWarning(calibration, o.alpha);
    if (warning) hooks?.warn?.(`${this.name}: ${warning}`);
    const { calibrations: _c, scored: _s, ...model } = state;
    this.fitted = { ...model, kde: new GaussianKde(values.logDensity, o.bandwidth), calibration };
  }

  /** One fold of crossfit: a model with the same options (a seed of its own) trained on the other folds scores this one. */
  private async fitFold(config: VaeConfig, fold: number, folds: number, trainRows: StvMatrix, validRows: StvMatrix, out: StvMatrix, hooks?: FitHooks): Promise<Float64Array> {
    const seed = new Random(this.options.seed).fork(101 + fold).int(2 ** 31);
    const phase = (p: string) => `fold ${fold + 1}/${folds} ${p}`;
    const foldHooks: FitHooks = { ...hooks, progress: (e) => hooks?.progress?.({ ...e, phase: phase(e.phase) }) };
    const { engine } = await train(new FlowVae(config), trainRows.values, validRows.values, { ...this.options, seed }, foldHooks);
    try {
      return (await this.scoreMatrix(engine, out, 'kde', hooks)).logPx;
    } finally {
      await engine.close();
    }
  }

  /**
   * log p(x) and the ELBO of a matrix's rows at this detector's L_z and seed (each row's noise keyed by its trace
   * id), with progress reported as `phase`.
   */
  private scoreMatrix(engine: TrainEngine, m: StvMatrix, phase: string, hooks?: FitHooks) {
    const o = this.options;
    const n = m.ids.length;
    return engine.score(m.values, n, { samples: o.samples, seed: o.seed, keys: Uint32Array.from(m.ids, traceKey) }, (done) =>
      hooks?.progress?.({ phase, done, total: n, unit: 'traces' }),
    );
  }

  /** What fit() trains depends on every option but those used after training (L_z, alpha, bandwidth, calibration) and the name. */
  fitKey(): string {
    const { samples: _l, alpha: _a, bandwidth: _b, name: _n, calibration: _c, folds: _f, ...rest } = this.options;
    return canonicalJson(rest);
  }

  /** The trained network, its input space, training report and the calibration sets computed so far. */
  fittedState(): unknown {
    if (!this.trained) throw new Error(`${this.name}: fit() first`);
    return this.trained;
  }

  /** Takes the trained state of a detector with the same fitKey and fits the KDE for this detector's calibration options. */
  async adoptFit(state: unknown, data: DetectorInput, hooks?: FitHooks): Promise<void> {
    await this.backendReady();
    this.trained = state as TrainedState;
    const engine = await openEngine(new FlowVae(this.trained.config), this.trained.params, new Float32Array(0), { ...this.options });
    try {
      await this.calibrate(prepareTraining(data, this.options), engine, hooks);
    } finally {
      await engine.close();
    }
  }

  /**
   * `importanceGain`: over the last scored traces, the median of log p(x) (L_z importance samples, Eq. 3) minus
   * the ELBO of the same samples, in nats. Jensen's inequality makes it >= 0; it is 0 with one sample (L_z = 1) and
   * grows with L_z as the estimate tightens, so it shows whether importance sampling does its work. The median,
   * because one far-off sample can put a trace's ELBO (a mean of log weights) at -1e13 while log p(x) (their
   * log-mean-exp) hardly moves. Labels unused.
   */
  diagnostics(): Record<string, number> {
    const a = this.lastAnalysis;
    if (!a) return {};
    const gaps: number[] = [];
    for (let i = 0; i < a.logPx.length; i++) {
      const gap = a.logPx[i] - a.elbo[i];
      if (Number.isFinite(gap)) gaps.push(gap);
    }
    return gaps.length > 0 ? { importanceGain: median(gaps) } : {};
  }

  /** log p(x), p-values, unseen call paths and verdicts for every trace of `data`. */
  async analyse(data: DetectorInput, hooks?: FitHooks): Promise<Analysis> {
    const m = this.model;
    await this.backendReady();
    const o = this.options;
    const { ids, unseen, rows, x } = prepareScoring(data, m.space, this.whitelist);
    const n = ids.length;
    const logPx = new Float64Array(n).fill(NaN);
    const elbo = new Float64Array(n).fill(NaN);
    if (rows.length > 0) {
      const r = await this.scoreRows(data, rows, x, hooks);
      rows.forEach((row, k) => {
        logPx[row] = r.logPx[k];
        elbo[row] = r.elbo[k];
      });
    }
    const pValue = new Float64Array(n);
    const anomalous = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      pValue[i] = unseen[i].length > 0 ? 0 : m.kde.pValue(logPx[i]);
      anomalous[i] = unseen[i].length > 0 || !(pValue[i] >= o.alpha) ? 1 : 0;
    }
    this.lastAnalysis = { ids, logPx, elbo, pValue, anomalous, unseen };
    return this.lastAnalysis;
  }

  /**
   * log p(x) and the ELBO of the rows to score. A fitted (not loaded) detector remembers them per input object, L_z
   * and seed in its trained state, so that experiment cells sharing that state (other alpha, calibration) and
   * scoring the same test split do not score it again: the values would be the same bytes.
   */
  private async scoreRows(data: DetectorInput, rows: number[], x: StvMatrix, hooks?: FitHooks): Promise<{ logPx: Float64Array; elbo: Float64Array }> {
    const o = this.options;
    const memo = this.trained && this.fitted?.params === this.trained.params ? this.trained.scored : null;
    const key = canonicalJson({ samples: o.samples, seed: o.seed });
    // the input's matrix or trace list (the same objects for every cell on one data set; the wrapper is not)
    const input: object = data.stv ?? data.traces ?? data;
    const known = memo?.get(input)?.get(key);
    if (known && known.rows.length === rows.length && known.rows.every((r, i) => r === rows[i])) return known;
    const engine = await this.scoringEngine(new FlowVae(this.model.config));
    try {
      const r = await this.scoreMatrix(engine, x, 'score', hooks);
      if (memo) {
        if (!memo.has(input)) memo.set(input, new Map());
        memo.get(input)!.set(key, { rows, logPx: r.logPx, elbo: r.elbo });
      }
      return r;
    } finally {
      await engine.close();
    }
  }

  private scoringEngine(model: FlowVae): Promise<TrainEngine> {
    const o = this.options;
    return openEngine(model, this.model.params, new Float32Array(0), { ...o });
  }

  async score(data: DetectorInput, hooks?: FitHooks): Promise<Float64Array> {
    const a = await this.analyse(data, hooks);
    return anomalyScores(a.logPx, a.unseen);
  }

  /** Anomalous when the p-value of log p(x) = -score is below alpha (unseen traces score +Infinity: p = 0). */
  decide(scores: Float64Array): Uint8Array {
    return decideByPValue(scores, this.model.kde, this.options.alpha);
  }
}

/** The vanilla VAE baseline of Table VI: the same detector with no posterior flow. */
export function vanillaVae(options: Partial<TraceAnomalyOptions> = {}): TraceAnomalyDetector {
  return new TraceAnomalyDetector({ name: 'vae', ...options, flowLength: 0 });
}
