/**
 * Where the decision KDE's normal log p(x) values come from (paper sec. III-D: "KDE ... to learn the
 * distribution of normal traces' log p(x)", without saying which normal traces):
 * - `heldout`: the validation share of the training traces, scored by the trained model (out of sample; the
 *   reference code's validation split);
 * - `train`: the training traces the model was fitted on, scored by it (the paper's literal reading; in sample,
 *   so optimistic);
 * - `crossfit`: k folds of all training traces; each fold scored by a model trained on the other folds, so that
 *   every training trace gives one out-of-sample value.
 */
export const CALIBRATION_SOURCES = ['heldout', 'train', 'crossfit'] as const;
export type CalibrationSource = (typeof CALIBRATION_SOURCES)[number];

/** What a fitted detector records about its calibration set (model.json, cell results). */
export interface CalibrationInfo {
  source: CalibrationSource;
  /** Folds of `crossfit`. */
  folds?: number;
  /** Normal log p(x) values behind the KDE. */
  size: number;
  /**
   * size * alpha: how many calibration values lie below the alpha-quantile. Below 1 the set cannot resolve alpha:
   * p < alpha then means "below (nearly) every calibration value", whatever alpha is.
   */
  expectedBelow: number;
  resolves: boolean;
}

export function calibrationInfo(source: CalibrationSource, size: number, alpha: number, folds?: number): CalibrationInfo {
  const expectedBelow = size * alpha;
  return { source, ...(source === 'crossfit' ? { folds } : {}), size, expectedBelow, resolves: expectedBelow >= 1 };
}

/** The warning a detector gives when its calibration set cannot resolve alpha, or null. */
export function calibrationWarning(c: CalibrationInfo, alpha: number): string | null {
  if (c.resolves) return null;
  const what = c.source === 'heldout' ? 'held-out traces' : c.source === 'train' ? 'training traces' : 'cross-fitted traces';
  return (
    `the decision KDE rests on ${c.size} ${what}, fewer than 1/alpha = ${Math.round(1 / alpha)}: p < ${alpha} cannot be resolved ` +
    `(a trace is flagged only below about every calibration value); train on more traces, use calibration crossfit, or a larger alpha`
  );
}

/**
 * Fold of each of n rows for k-fold cross-fitting: row i (in the order given, which the caller has shuffled) goes
 * to fold i mod k, so every row is in exactly one fold and the folds differ in size by at most one.
 */
export function foldOf(n: number, k: number): Int32Array {
  if (!Number.isInteger(k) || k < 2) throw new Error(`cross-fitting needs at least 2 folds, not ${k}`);
  if (n < k) throw new Error(`cannot cross-fit ${n} rows in ${k} folds`);
  return Int32Array.from({ length: n }, (_, i) => i % k);
}
