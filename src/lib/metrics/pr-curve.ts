import { f1Of } from './confusion.ts';

/** One operating point: flag every row whose score is >= threshold. */
export interface PrPoint {
  threshold: number;
  precision: number;
  recall: number;
  tp: number;
  fp: number;
}

/**
 * The precision-recall curve of scores (higher = more anomalous) against truth (1 = anomalous), one point per
 * distinct score, thresholds descending: rows with equal scores are flagged together, so ties never give a
 * point that no threshold can reach. +Infinity and -Infinity are ordinary scores; NaN is an error.
 */
export function prCurve(truth: ArrayLike<number>, scores: ArrayLike<number>): PrPoint[] {
  const n = scores.length;
  if (truth.length !== n) throw new Error(`${truth.length} labels but ${n} scores`);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i])) throw new Error(`score of row ${i} is NaN`);
    if (truth[i] === 1) positives++;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[b] > scores[a] ? 1 : scores[b] < scores[a] ? -1 : 0));
  const points: PrPoint[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < n; ) {
    const s = scores[order[k]];
    // take the whole tie group at once
    while (k < n && scores[order[k]] === s) {
      if (truth[order[k]] === 1) tp++;
      else fp++;
      k++;
    }
    points.push({ threshold: s, precision: tp / (tp + fp), recall: positives === 0 ? NaN : tp / positives, tp, fp });
  }
  return points;
}

/**
 * Average precision (area under the PR curve, step-wise, no interpolation, as scikit-learn's
 * average_precision_score): sum over the curve's points of (R_k - R_{k-1}) * P_k with R_0 = 0.
 * NaN when there are no anomalies.
 */
export function averagePrecision(curve: PrPoint[]): number {
  let ap = 0;
  let prev = 0;
  for (const p of curve) {
    if (Number.isNaN(p.recall)) return NaN;
    ap += (p.recall - prev) * p.precision;
    prev = p.recall;
  }
  return curve.length === 0 ? NaN : ap;
}

/** The best F1 over all thresholds of the curve: an oracle operating point, because it looks at the labels. */
export interface BestF1 {
  f1: number;
  precision: number;
  recall: number;
  threshold: number;
  oracle: true;
}

/** Best F1 over the curve's thresholds (on equal F1 the highest threshold wins); F1 0 at +Infinity if no point is better. */
export function bestF1(curve: PrPoint[]): BestF1 {
  let best: BestF1 = { f1: 0, precision: 0, recall: 0, threshold: Infinity, oracle: true };
  for (const p of curve) {
    const f1 = f1Of(p.precision, p.recall);
    if (f1 > best.f1) best = { f1, precision: p.precision, recall: p.recall, threshold: p.threshold, oracle: true };
  }
  return best;
}

/** The false-positive rates at which detection cells report recall (paper Table II's operating point is ~0.33%). */
export const FPR_LEVELS = [0.001, 0.0033, 0.01] as const;

/**
 * Recall at a false-positive rate: the highest recall of any threshold of the curve that flags at most
 * `fpr * negatives` normal rows (an oracle operating point: the threshold is chosen with the labels). 0 when even
 * the highest threshold flags too many normal rows; NaN without anomalies or without normal rows.
 */
export function recallAtFpr(curve: PrPoint[], negatives: number, fpr: number): number {
  if (negatives === 0) return NaN;
  let best = 0;
  for (const p of curve) {
    if (Number.isNaN(p.recall)) return NaN;
    if (p.fp > fpr * negatives + 1e-9) break;
    best = p.recall;
  }
  return best;
}

/** The precisions at which detection cells report recall (the paper's Table II point is P 0.98 / R 0.97). */
export const PRECISION_LEVELS = [0.97, 0.98] as const;

/**
 * Recall at a precision: the highest recall of any threshold of the curve whose precision is at least `precision`
 * (an oracle operating point, labels used). 0 when no threshold is that precise; NaN without anomalies.
 */
export function recallAtPrecision(curve: PrPoint[], precision: number): number {
  let best = 0;
  for (const p of curve) {
    if (Number.isNaN(p.recall)) return NaN;
    if (p.precision >= precision - 1e-12 && p.recall > best) best = p.recall;
  }
  return best;
}

/** At most `max` points of a curve for plotting: first and last kept, the rest evenly spaced by index. */
export function thinCurve(curve: PrPoint[], max = 400): PrPoint[] {
  if (curve.length <= max) return curve;
  const out: PrPoint[] = [];
  for (let i = 0; i < max; i++) out.push(curve[Math.round((i * (curve.length - 1)) / (max - 1))]);
  return out;
}
