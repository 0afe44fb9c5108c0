import type { AnomalyType, DetectorInput } from '../contracts/dataset.ts';
import type { Detector, FitHooks } from '../contracts/detector.ts';
import { calibrationInfo, calibrationWarning, type CalibrationInfo } from '../decision/calibration.ts';
import { GaussianKde, type BandwidthRule } from '../decision/kde.ts';
import type { DensityModel } from '../density/density-model.ts';
import type { StvMatrix } from '../stv/matrix.ts';
import { unknownOption } from '../util/errors.ts';
import type { Whitelist } from '../stv/whitelist.ts';
import { anomalyScores, calibrationValues, decideByPValue, prepareScoring, prepareTraining, type PipelineOptions } from './pipeline.ts';
import type { InputSpace } from './prepare.ts';

export interface DensityDetectorOptions extends PipelineOptions {
  alpha: number;
  bandwidth: BandwidthRule;
}

export const DENSITY_PIPELINE_DEFAULTS: DensityDetectorOptions = {
  validFraction: 0.1,
  calibration: 'crossfit',
  folds: 5,
  seed: 1,
  definition: 'prefix',
  edgeLabel: 'service',
  alpha: 0.001,
  bandwidth: 'silverman',
};

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
 * Splits one flat option object (as experiment files give it) into the pipeline's options and the density
 * model's (`modelOptions`: the names the model takes); the seed goes to both. An option that is neither is an
 * input error naming `name`: a typo in an experiment file must not run silently with the defaults.
 */
export function splitDensityOptions<M extends object>(name: string, options: M & Partial<DensityDetectorOptions>, modelOptions: readonly string[]): { pipeline: DensityDetectorOptions; model: M & { seed: number } } {
  const pipeline: Record<string, unknown> = { ...DENSITY_PIPELINE_DEFAULTS };
  const model: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined) continue;
    if (k in DENSITY_PIPELINE_DEFAULTS) pipeline[k] = v;
    else if (modelOptions.includes(k)) model[k] = v;
    else throw unknownOption(name, k, [...modelOptions, ...Object.keys(DENSITY_PIPELINE_DEFAULTS)]);
  }
  model.seed = pipeline.seed;
  return { pipeline: pipeline as unknown as DensityDetectorOptions, model: model as M & { seed: number } };
}
