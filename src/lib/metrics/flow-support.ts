import { ABSENT, type StvMatrix } from '../stv/matrix.ts';

/**
 * How well the training set covers each test trace's flow, for reading detection results on small training sets
 * (docs/decision-rule.md): a flow is a trace's exact set of valid STV dimensions, its support the number of
 * training traces with the same set. A density model fitted to a handful of a long flow's traces is overconfident
 * about it, so new normal traces of thin flows score like anomalies.
 */

/** Per test row, the number of training rows with exactly its set of valid dimensions (0: a set training never had). */
export function flowSupport(train: StvMatrix, test: StvMatrix): Int32Array {
  const all = Array.from({ length: train.width }, (_, j) => j);
  const testCols = columnsOf(test, train, all);
  const mapped = new Set(testCols);
  // test columns training lacks: a valid value there makes the set one training never had
  const extra = Array.from({ length: test.width }, (_, j) => j).filter((j) => !mapped.has(j));
  const key = (m: StvMatrix, cols: number[], others: number[], i: number): string => {
    const at = i * m.width;
    const valid: number[] = [];
    for (let c = 0; c < cols.length; c++) if (cols[c] >= 0 && m.values[at + cols[c]] !== ABSENT) valid.push(c);
    if (others.some((j) => m.values[at + j] !== ABSENT)) valid.push(-1);
    return valid.join(',');
  };
  const counts = new Map<string, number>();
  for (let i = 0; i < train.ids.length; i++) {
    const k = key(train, all, [], i);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return Int32Array.from(test.ids, (_, i) => counts.get(key(test, testCols, extra, i)) ?? 0);
}

/** For each training dimension, its column in `test` (-1 if absent): by dimension id when both have ids, else by index. */
function columnsOf(test: StvMatrix, train: StvMatrix, all: number[]): number[] {
  if (train.dimensionIds && test.dimensionIds) {
    const at = new Map(test.dimensionIds.map((id, j) => [id, j]));
    return train.dimensionIds.map((id) => at.get(id) ?? -1);
  }
  if (test.width !== train.width) throw new Error(`test STVs have ${test.width} dimensions, training STVs ${train.width}, and neither names them`);
  return all;
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
