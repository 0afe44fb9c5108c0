import type { DetectorInput } from '../contracts/dataset.ts';
import type { GaussianKde } from '../decision/kde.ts';
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
  const nValid = n >= 20 ? Math.max(2, Math.round(n * o.validFraction)) : 0;
  if (nValid < 2) throw new InputError({}, `too few training traces (${n}; at least 20) for a validation split and a KDE`);
  const space: InputSpace = { width: matrix.width, norm, ...(matrix.dimensionIds ? { dimensionIds: matrix.dimensionIds } : {}), ...(callPaths ? { callPaths } : {}) };
  return { space, valid: selectRows(x, order.subarray(0, nValid)), train: selectRows(x, order.subarray(nValid)) };
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
