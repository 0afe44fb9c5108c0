/** Trace-level counts and precision / recall / F1 of binary verdicts against labels (1 = anomalous). */
export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
  f1: number;
}

export function confusion(flags: ArrayLike<number>, labels: ArrayLike<number>): Confusion {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (let i = 0; i < flags.length; i++) {
    if (flags[i]) labels[i] ? tp++ : fp++;
    else labels[i] ? fn++ : tn++;
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { tp, fp, fn, tn, precision, recall, f1 };
}
