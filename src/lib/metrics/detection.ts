import type { DetectionMetrics } from '../contracts/experiment.ts';
import { confusion, precisionRecall } from './confusion.ts';
import { perTypeMetrics, type TypeMetrics } from './per-type.ts';
import { averagePrecision, bestF1, FPR_LEVELS, PRECISION_LEVELS, prCurve, recallAtFpr, recallAtPrecision, thinCurve, type PrPoint } from './pr-curve.ts';

export interface DetectionInput {
  /** 1 = anomalous, per test row. */
  truth: ArrayLike<number>;
  /** True anomaly type per row (null for normal rows or untyped anomalies). */
  trueTypes: readonly (string | null)[];
  scores: ArrayLike<number>;
  /** The method's own verdicts (its threshold, chosen without labels). */
  flagged: ArrayLike<number>;
  namedTypes?: readonly (string | null)[];
  detects?: readonly string[];
}

export interface DetectionEvaluation {
  metrics: DetectionMetrics;
  perType: Record<string, TypeMetrics>;
  /** The PR curve, at most 400 points, for plotting. */
  curve: PrPoint[];
}

/** Everything a detection cell reports: P/R/F1 at the method's threshold, AUPRC, best-F1 (oracle), per type. */
export function evaluateDetection(input: DetectionInput): DetectionEvaluation {
  const c = confusion(input.truth, input.flagged);
  const pr = precisionRecall(c);
  const curve = prCurve(input.truth, input.scores);
  const best = bestF1(curve);
  const negatives = c.fp + c.tn;
  return {
    metrics: {
      ...pr,
      auprc: averagePrecision(curve),
      bestF1: best.f1,
      bestF1At: { threshold: best.threshold, precision: best.precision, recall: best.recall },
      fpr: negatives === 0 ? NaN : c.fp / negatives,
      recallAtFpr: Object.fromEntries(FPR_LEVELS.map((f) => [String(f), recallAtFpr(curve, negatives, f)])),
      recallAtPrecision: Object.fromEntries(PRECISION_LEVELS.map((p) => [String(p), recallAtPrecision(curve, p)])),
      ...c,
    },
    perType: perTypeMetrics(input),
    curve: thinCurve(curve),
  };
}
