/**
 * A multi-class classifier on dense feature vectors: `fit` with class ids 0..classes-1 and a weight per sample
 * (class weights against imbalance), `proba` the class probabilities of one vector.
 */
export interface Classifier {
  fit(x: readonly Float64Array[], y: Int32Array, classes: number, weights: Float64Array): void;
  proba(x: Float64Array): Float64Array;
}
