/** Counts of a binary verdict against ground truth (1 = anomalous). */
export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface PrecisionRecall {
  /** tp / (tp + fp); 0 when nothing is flagged (scikit-learn's zero_division=0). */
  precision: number;
  /** tp / (tp + fn); NaN when there is nothing to find. */
  recall: number;
  /** 2PR / (P + R); 0 when P + R = 0, NaN when recall is NaN. */
  f1: number;
}

export function confusion(truth: ArrayLike<number>, flagged: ArrayLike<number>): Confusion {
  if (truth.length !== flagged.length) throw new Error(`${truth.length} labels but ${flagged.length} verdicts`);
  const c: Confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i] === 1;
    const f = flagged[i] === 1;
    if (t && f) c.tp++;
    else if (f) c.fp++;
    else if (t) c.fn++;
    else c.tn++;
  }
  return c;
}

export function precisionRecall(c: { tp: number; fp: number; fn: number }): PrecisionRecall {
  const precision = c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? NaN : c.tp / (c.tp + c.fn);
  return { precision, recall, f1: f1Of(precision, recall) };
}

export function f1Of(precision: number, recall: number): number {
  if (Number.isNaN(recall) || Number.isNaN(precision)) return NaN;
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}
