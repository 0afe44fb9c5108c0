/**
 * Minimal detection metrics for the released-split evaluation (src/metrics/ will hold the project's full,
 * tested metrics module; use that where it exists). AUPRC is average precision as scikit-learn computes it:
 * sum over distinct score thresholds (highest first) of (recall step) x precision, tied scores taken together.
 */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] ? 1 : 0;
  if (positives === 0) return NaN;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  let lastRecall = 0;
  for (let k = 0; k < idx.length; ) {
    const s = scores[idx[k]];
    while (k < idx.length && (scores[idx[k]] === s || (Number.isNaN(s) && Number.isNaN(scores[idx[k]])))) {
      if (labels[idx[k]]) tp++;
      else fp++;
      k++;
    }
    const recall = tp / positives;
    ap += (recall - lastRecall) * (tp / (tp + fp));
    lastRecall = recall;
  }
  return ap;
}

export function confusion(pred: ArrayLike<number>, labels: ArrayLike<number>) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < pred.length; i++) {
    if (pred[i] && labels[i]) tp++;
    else if (pred[i]) fp++;
    else if (labels[i]) fn++;
    else tn++;
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  return { tp, fp, fn, tn, precision, recall, f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 };
}
