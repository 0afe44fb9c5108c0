import type { AnomalyType, DetectorInput } from '../contracts/dataset.ts';
import type { Detector, FitHooks } from '../contracts/detector.ts';
import { PATH_DEFINITIONS } from '../callpaths/call-path-list.ts';
import { EDGE_LABELS } from '../callpaths/edges.ts';
import { CALIBRATION_SOURCES, calibrationInfo, calibrationWarning, type CalibrationInfo } from '../decision/calibration.ts';
import { BANDWIDTH_RULES, GaussianKde } from '../decision/kde.ts';
import type { DensityModel } from '../density/density-model.ts';
import { choice, defaultsOf, int, num, optionSchema, type OptionsOfShape } from '../options/schema.ts';
import type { StvMatrix } from '../stv/matrix.ts';
import type { Whitelist } from '../stv/whitelist.ts';
import { anomalyScores, calibrationValues, decideByPValue, prepareScoring, prepareTraining } from './pipeline.ts';
import type { InputSpace } from './prepare.ts';

/**
 * The options of the pipeline around a density model (pipeline.ts's, the decision KDE's and the seed) as part of
 * a method's option schema (src/lib/options/schema.ts): the same names, ranges and meanings as TraceAnomaly's
 * (src/methods/traceanomaly/options.ts). The key order is the order of the detector's `options` record.
 */
export const DENSITY_OPTIONS = {
  validFraction: num(0.1, { gt: 0, lt: 1 }, { doc: "Share of the training traces held out from the density model's training (for the heldout calibration; the flow-VAE's early stopping)" }),
  calibration: choice(CALIBRATION_SOURCES, 'crossfit', { doc: "Which normal traces' log p(x) the decision KDE is fitted to (docs/decision-rule.md)" }),
  folds: int(5, { min: 2 }, { doc: "Folds of crossfit calibration (each fold's log p(x) from a model trained on the others)" }),
  seed: int(1, { min: 0 }, { doc: "Seed of every random choice (an experiment cell's seed replaces it)" }),
  definition: choice(PATH_DEFINITIONS, 'prefix', { doc: 'Raw traces only: call path of a call (prefix: the paper; ancestors: an ablation)' }),
  edgeLabel: choice(EDGE_LABELS, 'service', { doc: 'Raw traces only: what a call path step names', flag: 'edge' }),
  alpha: num(0.001, { gt: 0, lt: 1 }, { doc: 'Significance level of the KDE p-value test' }),
  bandwidth: choice(BANDWIDTH_RULES, 'silverman', { doc: 'Bandwidth rule of the decision KDE' }),
};

export type DensityDetectorOptions = OptionsOfShape<typeof DENSITY_OPTIONS>;

export const DENSITY_PIPELINE_DEFAULTS: DensityDetectorOptions = defaultsOf(optionSchema(DENSITY_OPTIONS));

const rowsOf = (m: StvMatrix) => ({ n: m.ids.length, d: m.width, values: m.values });

/**
 * TraceAnomaly with another density model in place of the flow-VAE (paper sec. VI-A, Table VI): the same STVs,
 * normalisation, validation split, KDE p-value decision and unseen rule; only log p(x) comes from `model`.
 */
export class DensityDetector implements Detector {
  readonly needs = 'either' as const;
  readonly detects: readonly AnomalyType[] = ['rt', 'path'];
  readonly options: Readonly<Record<string, unknown>>;
  private fitted: { space: InputSpace; kde: GaussianKde; calibration: CalibrationInfo } | null = null;
  private readonly model: DensityModel;

  /** `makeModel` gives a fresh, unfitted density model (crossfit fits one per fold). */
  constructor(
    readonly name: string,
    private readonly makeModel: () => DensityModel,
    private readonly pipeline: DensityDetectorOptions = DENSITY_PIPELINE_DEFAULTS,
    private readonly whitelist?: Whitelist,
  ) {
    this.model = makeModel();
    this.options = { ...pipeline, model: this.model.name, ...this.model.options };
  }

  /** Which normal traces the decision KDE was fitted to. */
  get calibration(): CalibrationInfo | null {
    return this.fitted?.calibration ?? null;
  }

  async fit(data: DetectorInput, hooks?: FitHooks): Promise<void> {
    const p = this.pipeline;
    const prepared = prepareTraining(data, p);
    await this.model.fit(rowsOf(prepared.train));
    const values = await calibrationValues(prepared, p, {
      scoreFitted: async (rows) => Float64Array.from(await this.model.logDensity(rowsOf(rows))),
      // as the fitted model, a fold's model learns from the rows outside the fold's held-out share
      fitFold: async (_fold, _folds, train, _valid, out) => {
        const m = this.makeModel();
        await m.fit(rowsOf(train));
        return Float64Array.from(await m.logDensity(rowsOf(out)));
      },
    });
    const calibration = calibrationInfo(p.calibration, values.logDensity.length, p.alpha, p.folds);
    const warning = calibrationWarning(calibration, p.alpha);
    if (warning) hooks?.warn?.(`${this.name}: ${warning}`);
    this.fitted = { space: prepared.space, kde: new GaussianKde(values.logDensity, p.bandwidth), calibration };
  }

  async score(data: DetectorInput): Promise<Float64Array> {
    if (!this.fitted) throw new Error(`${this.name}: fit() first`);
    const p = prepareScoring(data, this.fitted.space, this.whitelist);
    const logDensity = new Float64Array(p.ids.length).fill(NaN);
    if (p.rows.length > 0) {
      const scored = await this.model.logDensity(rowsOf(p.x));
      p.rows.forEach((row, k) => (logDensity[row] = scored[k]));
    }
    return anomalyScores(logDensity, p.unseen);
  }

  decide(scores: Float64Array): Uint8Array {
    if (!this.fitted) throw new Error(`${this.name}: fit() first`);
    return decideByPValue(scores, this.fitted.kde, this.pipeline.alpha);
  }
}

/**
 * Splits a density method's complete options (its model's and DENSITY_OPTIONS, checked by its schema) into the
 * pipeline's (in DENSITY_OPTIONS order) and the density model's (the others); the seed goes to both.
 */
export function splitDensityOptions<O extends DensityDetectorOptions>(options: O): { pipeline: DensityDetectorOptions; model: Omit<O, keyof DensityDetectorOptions> & { seed: number } } {
  const pipeline: Record<string, unknown> = {};
  const model: Record<string, unknown> = {};
  for (const k of Object.keys(DENSITY_OPTIONS)) pipeline[k] = options[k as keyof O];
  for (const [k, v] of Object.entries(options)) if (!(k in DENSITY_OPTIONS)) model[k] = v;
  model.seed = options.seed;
  return { pipeline: pipeline as DensityDetectorOptions, model: model as Omit<O, keyof DensityDetectorOptions> & { seed: number } };
}
