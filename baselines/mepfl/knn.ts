import type { Classifier } from './classifier.ts';

/** k nearest neighbours (Euclidean); probabilities = the neighbours' votes, each weighted by its sample weight. */
export class KnnClassifier implements Classifier {
  private x: readonly Float64Array[] = [];
  private y: Int32Array = new Int32Array(0);
  private w: Float64Array = new Float64Array(0);
  private classes = 0;

  constructor(private readonly k: number) {}

  fit(x: readonly Float64Array[], y: Int32Array, classes: number, weights: Float64Array): void {
    this.x = x;
    this.y = y;
    this.w = weights;
    this.classes = classes;
  }

  proba(q: Float64Array): Float64Array {
    const d = this.x.map((p, i) => {
      let s = 0;
      for (let j = 0; j < q.length; j++) s += (p[j] - q[j]) ** 2;
      return { i, s };
    });
    // nearest first; equal distances by training order, so that the result does not depend on the sort
    d.sort((a, b) => a.s - b.s || a.i - b.i);
    const out = new Float64Array(this.classes);
    let total = 0;
    for (const { i } of d.slice(0, this.k)) {
      out[this.y[i]] += this.w[i];
      total += this.w[i];
    }
    if (total > 0) for (let c = 0; c < out.length; c++) out[c] /= total;
    return out;
  }
}
