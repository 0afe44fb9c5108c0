import { alignToTraining } from '../stv/align.ts';
import { row, validSetKey, type StvMatrix } from '../stv/matrix.ts';

/**
 * How well the training set covers each test trace's flow, for reading detection results on small training sets
 * (docs/decision-rule.md): a flow is a trace's exact set of valid STV dimensions, its support the number of
 * training traces with the same set. A density model fitted to a handful of a long flow's traces is overconfident
 * about it, so new normal traces of thin flows score like anomalies.
 */

/**
 * Per test row, the number of training rows with exactly its set of valid dimensions (0: a set training never had).
 * Test columns are put in training order first (by id where both name them), so a valid value in a dimension
 * training never had makes a set no training row has.
 */
export function flowSupport(train: StvMatrix, test: StvMatrix): Int32Array {
  const counts = new Map<string, number>();
  for (let i = 0; i < train.ids.length; i++) {
    const k = validSetKey(row(train, i));
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const aligned = alignToTraining(test, train.width, train.dimensionIds, 'test STVs');
  return Int32Array.from(aligned.ids, (_, i) => counts.get(validSetKey(row(aligned, i))) ?? 0);
}

/** Support classes of the breakdown: 0, 1-5, 6-20, 21-100, > 100 training traces. */
export const SUPPORT_CLASSES = ['0', '1-5', '6-20', '21-100', '>100'] as const;
export type SupportClass = (typeof SUPPORT_CLASSES)[number];

export function supportClass(n: number): SupportClass {
  return n === 0 ? '0' : n <= 5 ? '1-5' : n <= 20 ? '6-20' : n <= 100 ? '21-100' : '>100';
}

export interface SupportBreakdown {
  /** Test normal traces per support class. */
  normals: Record<SupportClass, number>;
  /** Normal traces among the P highest scores (P = the number of anomalous test traces), per class: those that outrank anomalies. */
  normalsInTop: Record<SupportClass, number>;
  /** Flagged normal traces per class. */
  falsePositives: Record<SupportClass, number>;
  /** Normal traces scored +Infinity (an unseen call path) and the average precision that caps, whatever the other scores. */
  unseenNormals: number;
  auprcBound: number;
}

/** The breakdown of a detector's scores and verdicts on a test set by the training support of each trace's flow. */
export function supportBreakdown(input: { support: ArrayLike<number>; truth: ArrayLike<number>; scores: ArrayLike<number>; flagged: ArrayLike<number> }): SupportBreakdown {
  const { support, truth, scores, flagged } = input;
  const n = truth.length;
  if (support.length !== n || scores.length !== n || flagged.length !== n) throw new Error('support, truth, scores and verdicts differ in length');
  const zero = (): Record<SupportClass, number> => Object.fromEntries(SUPPORT_CLASSES.map((c) => [c, 0])) as Record<SupportClass, number>;
  const out = { normals: zero(), normalsInTop: zero(), falsePositives: zero(), unseenNormals: 0, auprcBound: 1 };
  let positives = 0;
  for (let i = 0; i < n; i++) {
    if (truth[i] === 1) {
      positives++;
      continue;
    }
    const c = supportClass(support[i]);
    out.normals[c]++;
    if (flagged[i]) out.falsePositives[c]++;
    if (scores[i] === Infinity) out.unseenNormals++;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  for (const i of order.slice(0, positives)) if (truth[i] !== 1) out.normalsInTop[supportClass(support[i])]++;
  out.auprcBound = averagePrecisionBound(positives, out.unseenNormals);
  return out;
}

/**
 * The highest average precision a ranking can have when `negativesOnTop` negatives outrank every one of
 * `positives` positives: the rest ranked perfectly, precision at the k-th positive is k / (k + negativesOnTop).
 */
export function averagePrecisionBound(positives: number, negativesOnTop: number): number {
  if (positives === 0) return NaN;
  let sum = 0;
  for (let k = 1; k <= positives; k++) sum += k / (k + negativesOnTop);
  return sum / positives;
}
