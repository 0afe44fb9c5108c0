import { useBackend, type BackendInfo } from '../backend/backend.ts';
import type { AnomalyType, DetectorInput } from '../contracts/dataset.ts';
import type { Detector, FitHooks } from '../contracts/detector.ts';
import { GaussianKde } from '../decision/kde.ts';
import { DEFAULT_VAE, type VaeConfig } from '../model/config.ts';
import type { TrainEngine } from '../model/engine.ts';
import { openEngine, train, TrainingDivergedError, type TrainReport } from '../model/trainer.ts';
import { InputError } from '../util/errors.ts';
import { FlowVae } from '../model/vae.ts';
import type { Whitelist } from '../stv/whitelist.ts';
import type { StvMatrix } from '../stv/matrix.ts';
import { canonicalJson } from '../util/canonical-json.ts';
import { traceKey, type Analysis } from './analysis.ts';
import { DEFAULT_OPTIONS, type TraceAnomalyOptions } from './options.ts';
import type { InputSpace } from './prepare.ts';
import { anomalyScores, decideByPValue, prepareScoring, prepareTraining } from './pipeline.ts';

/** Everything a fitted detector holds; saved and loaded as a model folder (model-folder.ts). */
export interface FittedModel {
  config: VaeConfig;
  params: Float32Array;
  space: InputSpace;
  kde: GaussianKde;
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
 * TraceAnomaly (Liu et al., ISSRE 2020) behind the Detector contract: STVs (built from raw traces when those
 * are given), normalised as the reference code does; the flow-VAE trained by SGVB on 90% of the training
 * traces; log p(x) by importance sampling; a KDE over the held-out 10%'s log p(x); anomalous when the left-tail
 * p-value is below alpha or the trace has an unseen call path (not whitelisted).
 *
 * score() returns -log p(x), +Infinity for a trace with an unseen call path.
 */
export class TraceAnomalyDetector implements Detector {
  readonly needs = 'either' as const;
  readonly detects: readonly AnomalyType[] = ['rt', 'path'];
  readonly options: Readonly<TraceAnomalyOptions>;
  private fitted: FittedModel | null = null;
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
    return { inputDim, zDim: o.zDim, hidden: o.hidden, flow: o.flow, flowLength: o.flowLength, couplingHidden: o.couplingHidden, alpha: DEFAULT_VAE.alpha, stdEpsilon: o.stdMin, l2: DEFAULT_VAE.l2 };
  }

  async fit(data: DetectorInput, hooks?: FitHooks): Promise<void> {
    await this.backendReady();
    const o = this.options;
    const { space, train: rest, valid } = prepareTraining(data, o);
    const config = this.vaeConfig(space.norm.columns.length);
    const model = new FlowVae(config);
    const { engine, report } = await train(model, rest.values, valid.values, { ...o }, hooks).catch((e: unknown) => {
      throw e instanceof TrainingDivergedError ? divergedError(e, [rest, valid], space) : e;
    });
    try {
      const kde = await this.kdeOf(engine, valid, hooks);
      this.fitted = { config, params: await engine.params(), space, kde, report, backend: this.backendInfo!.name };
    } finally {
      await engine.close();
    }
  }

  /**
   * The KDE over the held-out traces' log p(x) at this detector's L_z and bandwidth rule. Scoring them at the
   * full L_z takes as long as scoring that many test traces, so it reports progress as the phase `kde`.
   */
  private async kdeOf(engine: TrainEngine, valid: StvMatrix, hooks?: FitHooks): Promise<GaussianKde> {
    const r = await this.scoreMatrix(engine, valid, 'kde', hooks);
    return new GaussianKde(r.logPx, this.options.bandwidth);
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

  /** What fit() learns depends on every option but L_z, alpha and the bandwidth rule (used after training) and the name. */
  fitKey(): string {
    const { samples: _l, alpha: _a, bandwidth: _b, name: _n, ...rest } = this.options;
    return canonicalJson(rest);
  }

  /** The trained network, its input space and training report (the KDE is redone by adoptFit). */
  fittedState(): unknown {
    const { kde: _k, ...state } = this.model;
    return state;
  }

  /** Takes the trained network of a detector with the same fitKey and fits the KDE at this L_z and bandwidth. */
  async adoptFit(state: unknown, data: DetectorInput, hooks?: FitHooks): Promise<void> {
    await this.backendReady();
    const s = state as Omit<FittedModel, 'kde'>;
    const { valid } = prepareTraining(data, this.options);
    const engine = await openEngine(new FlowVae(s.config), s.params, new Float32Array(0), { ...this.options });
    try {
      this.fitted = { ...s, kde: await this.kdeOf(engine, valid, hooks) };
    } finally {
      await engine.close();
    }
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
      const model = new FlowVae(m.config);
      const engine = await this.scoringEngine(model);
      try {
        const r = await this.scoreMatrix(engine, x, 'score', hooks);
        rows.forEach((row, k) => {
          logPx[row] = r.logPx[k];
          elbo[row] = r.elbo[k];
        });
      } finally {
        await engine.close();
      }
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
