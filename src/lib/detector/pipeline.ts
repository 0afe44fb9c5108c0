import type { DetectorInput } from '../contracts/dataset.ts';
import type { GaussianKde } from '../decision/kde.ts';
import { foldOf, type CalibrationSource } from '../decision/calibration.ts';
import { selectRows, type StvMatrix } from '../stv/matrix.ts';
import { fitNormalisation, normalise } from '../stv/normalise.ts';
import type { Whitelist } from '../stv/whitelist.ts';
import { Random } from '../util/random.ts';
import { InputError } from '../util/errors.ts';
import { testMatrix, trainingMatrix, type InputSpace } from './prepare.ts';
import type { PathDefinition } from '../callpaths/call-path-list.ts';
import type { EdgeLabel } from '../callpaths/edges.ts';

/**
 * The steps of TraceAnomaly around its density model (paper secs. II-C, III-D), shared by the flow-VAE and the
 * drop-in replacements of sec. VI (GMM, KDE): STVs, the reference normalisation, a seeded validation split, the
 * KDE over the validation traces' log density, and the unseen rule.
 */
export interface PipelineOptions {
  /** Share of the training traces held out for validation (early stopping) and for the decision KDE. */
  validFraction: number;
  /** Which normal traces' log density the decision KDE is fitted to (src/lib/decision/calibration.ts). */
  calibration: CalibrationSource;
  /** Folds of the `crossfit` calibration. */
  folds: number;
  seed: number;
  definition: PathDefinition;
  edgeLabel: EdgeLabel;
}

export interface PreparedTraining {
  space: InputSpace;
  /** Normalised training rows the density model learns from. */
  train: StvMatrix;
  /** Normalised held-out rows: early stopping and the decision KDE. */
  valid: StvMatrix;
  /** Every normalised training row in the seeded order: the held-out rows, then the rest. */
  all: StvMatrix;
}

export function prepareTraining(data: DetectorInput, o: PipelineOptions): PreparedTraining {
  const { matrix, callPaths } = trainingMatrix(data, o);
  // a value that is not a finite number makes every loss NaN: name it instead of training on it
  const w = matrix.width;
  const bad = matrix.values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    const j = bad % w;
    throw new InputError({ traceId: matrix.ids[Math.floor(bad / w)] }, `dimension ${matrix.dimensionIds?.[j] ?? j + 1} is ${matrix.values[bad]}: STV values must be finite response times`);
  }
  const norm = fitNormalisation(matrix);
  if (norm.columns.length === 0) throw new InputError({}, 'no dimension is valid in any training trace');
  const x = normalise(matrix, norm);
  const n = x.ids.length;
  const order = new Random(o.seed).fork(7).permutation(n);
  const nValid = validCount(n, o.validFraction);
  if (nValid < 2) throw new InputError({}, `too few training traces (${n}; at least 20) for a validation split and a KDE`);
  const space: InputSpace = { width: matrix.width, norm, ...(matrix.dimensionIds ? { dimensionIds: matrix.dimensionIds } : {}), ...(callPaths ? { callPaths } : {}) };
  return { space, valid: selectRows(x, order.subarray(0, nValid)), train: selectRows(x, order.subarray(nValid)), all: selectRows(x, order) };
}

/** Held-out rows of n training rows: the validFraction share, at least 2; none below 20 rows. */
const validCount = (n: number, validFraction: number): number => (n >= 20 ? Math.max(2, Math.round(n * validFraction)) : 0);

/** The density model behind a detector, as its calibration needs it. */
export interface CalibrationFits {
  /** Log density of `rows` under the model fitted on the training rows. */
  scoreFitted(rows: StvMatrix): Promise<Float64Array>;
  /**
   * Fits a new model on `train` (its own held-out `valid` for early stopping) and returns the log density of `out`,
   * which it never saw: fold `fold` of `folds`.
   */
  fitFold(fold: number, folds: number, train: StvMatrix, valid: StvMatrix, out: StvMatrix): Promise<Float64Array>;
}

/** The normal log density values the decision KDE is fitted to, with the traces they belong to. */
export interface CalibrationValues {
  ids: string[];
  logDensity: Float64Array;
}

/**
 * The calibration set of o.calibration: the held-out rows or the training rows scored by the fitted model, or
 * (crossfit) every training row scored by the model of the one fold that left it out. A fold's model trains on
 * the other folds, holding out their validFraction (first in the seeded order) for its early stopping.
 */
export async function calibrationValues(p: PreparedTraining, o: PipelineOptions, m: CalibrationFits): Promise<CalibrationValues> {
  if (o.calibration === 'heldout') return { ids: p.valid.ids, logDensity: await m.scoreFitted(p.valid) };
  if (o.calibration === 'train') return { ids: p.train.ids, logDensity: await m.scoreFitted(p.train) };
  const n = p.all.ids.length;
  const fold = foldOf(n, o.folds);
  const logDensity = new Float64Array(n);
  for (let j = 0; j < o.folds; j++) {
    const inside: number[] = [];
    const out: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === j ? out : inside).push(i);
    const nValid = validCount(inside.length, o.validFraction);
    if (nValid < 2) throw new InputError({}, `too few training traces (${n}) for ${o.folds}-fold cross-fitting with a validation split in each fold`);
    const scored = await m.fitFold(j, o.folds, selectRows(p.all, inside.slice(nValid)), selectRows(p.all, inside.slice(0, nValid)), selectRows(p.all, out));
    out.forEach((row, k) => (logDensity[row] = scored[k]));
  }
  return { ids: p.all.ids, logDensity };
}

export interface PreparedScoring {
  ids: string[];
  /** Per row, its unseen call paths (ids) that are not whitelisted. */
  unseen: string[][];
  /** Rows without unseen paths, which the density model scores. */
  rows: number[];
  /** Those rows, normalised. */
  x: StvMatrix;
}

export function prepareScoring(data: DetectorInput, space: InputSpace, whitelist?: Whitelist): PreparedScoring {
  const { matrix, unseen } = testMatrix(data, space, whitelist);
  const rows: number[] = [];
  for (let i = 0; i < matrix.ids.length; i++) if (unseen[i].length === 0) rows.push(i);
  return { ids: matrix.ids, unseen, rows, x: normalise(selectRows(matrix, rows), space.norm) };
}

/** Scores of the Detector contract: -log density, +Infinity for a trace with an unseen call path. */
export function anomalyScores(logDensity: Float64Array, unseen: string[][]): Float64Array {
  return Float64Array.from(logDensity, (v, i) => (unseen[i].length > 0 ? Infinity : -v));
}

/** The verdict of sec. III-D: the left-tail p-value of log density under the KDE is below alpha (unseen: p = 0). */
export function decideByPValue(scores: Float64Array, kde: GaussianKde, alpha: number): Uint8Array {
  return Uint8Array.from(scores, (s) => (!(kde.pValue(-s) >= alpha) ? 1 : 0));
}
