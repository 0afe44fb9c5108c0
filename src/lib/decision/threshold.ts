/**
 * The decision rules detectors share, each written once (PyOD's `predict` on `decision_function` and
 * `threshold_`): a method's `decide` names one of these, and its entry says which (`decision`).
 *
 * - `threshold`: anomalous when the score exceeds a threshold fixed in advance (a sigma multiplier, DeepLog's
 *   and the multimodal LSTM's 1 = "outside the model's normal set");
 * - `pot`: the same comparison with a threshold learned in `fit` by peaks over threshold (src/lib/decision/pot.ts);
 * - `p-value`: anomalous when the left-tail p-value of log p(x) under a KDE of normal log p(x) is below alpha
 *   (src/lib/detector/pipeline.ts `decideByPValue`, TraceAnomaly and the density detectors);
 * - `rules`: a verdict per trace from explicit rules, the score being 0 or 1 (the hard-coded rule).
 */
export type DecisionRule = 'threshold' | 'pot' | 'p-value' | 'rules';

/** 1 where the score is above the threshold (strictly), else 0; +Infinity is always above, NaN never. */
export function aboveThreshold(scores: ArrayLike<number>, threshold: number): Uint8Array {
  return Uint8Array.from(scores as ArrayLike<number>, (s) => (s > threshold ? 1 : 0));
}
