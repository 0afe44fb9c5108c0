import { Random } from '../../src/lib/util/random.ts';
import type { Classifier } from './classifier.ts';

export interface MlpOptions {
  hidden: number;
  epochs: number;
  learningRate: number;
  batchSize: number;
  /** L2 penalty on the weights (scikit-learn's alpha). */
  l2: number;
  seed: number;
}

/** Parameters of a one-hidden-layer network, flat: W1 (h x f), b1 (h), W2 (c x h), b2 (c). */
export interface MlpShape {
  f: number;
  h: number;
  c: number;
}

/**
 * A multi-layer perceptron as scikit-learn's MLPClassifier defaults (spec 11.2): one hidden layer of ReLU units,
 * softmax output, weighted cross-entropy + l2/2 ||W||^2 / n, Adam (beta 0.9, 0.999, eps 1e-8), shuffled
 * mini-batches, Glorot-uniform initialisation. Seeded.
 */
export class MlpClassifier implements Classifier {
  private params: Float64Array = new Float64Array(0);
  private shape: MlpShape = { f: 0, h: 0, c: 0 };

  constructor(private readonly o: MlpOptions) {}

  fit(x: readonly Float64Array[], y: Int32Array, classes: number, weights: Float64Array): void {
    const rng = new Random(this.o.seed);
    const f = x[0]?.length ?? 0;
    this.shape = { f, h: this.o.hidden, c: classes };
    this.params = initialParams(this.shape, rng);
    const m = new Float64Array(this.params.length);
    const v = new Float64Array(this.params.length);
    const batch = Math.max(1, Math.min(this.o.batchSize, x.length));
    let step = 0;
    for (let epoch = 0; epoch < this.o.epochs; epoch++) {
      const order = rng.permutation(x.length);
      for (let s = 0; s < order.length; s += batch) {
        const idx = order.subarray(s, Math.min(order.length, s + batch));
        const { grad } = lossAndGrad(this.params, this.shape, Array.from(idx, (i) => x[i]), Int32Array.from(idx, (i) => y[i]), Float64Array.from(idx, (i) => weights[i]), this.o.l2);
        step++;
        const lr = (this.o.learningRate * Math.sqrt(1 - 0.999 ** step)) / (1 - 0.9 ** step);
        for (let p = 0; p < this.params.length; p++) {
          m[p] = 0.9 * m[p] + 0.1 * grad[p];
          v[p] = 0.999 * v[p] + 0.001 * grad[p] * grad[p];
          this.params[p] -= (lr * m[p]) / (Math.sqrt(v[p]) + 1e-8);
        }
      }
    }
  }

  proba(q: Float64Array): Float64Array {
    return forward(this.params, this.shape, q).p;
  }
}

function initialParams({ f, h, c }: MlpShape, rng: Random): Float64Array {
  const p = new Float64Array(h * f + h + c * h + c);
  const l1 = Math.sqrt(6 / (f + h));
  const l2 = Math.sqrt(6 / (h + c));
  for (let i = 0; i < h * f; i++) p[i] = (2 * rng.next() - 1) * l1;
  for (let i = 0; i < c * h; i++) p[h * f + h + i] = (2 * rng.next() - 1) * l2;
  return p;
}

function forward(params: Float64Array, { f, h, c }: MlpShape, x: Float64Array): { a: Float64Array; p: Float64Array } {
  const a = new Float64Array(h);
  for (let j = 0; j < h; j++) {
    let s = params[h * f + j];
    for (let k = 0; k < f; k++) s += params[j * f + k] * x[k];
    a[j] = s > 0 ? s : 0;
  }
  const o2 = h * f + h;
  const z = new Float64Array(c);
  for (let i = 0; i < c; i++) {
    let s = params[o2 + c * h + i];
    for (let j = 0; j < h; j++) s += params[o2 + i * h + j] * a[j];
    z[i] = s;
  }
  const mx = Math.max(...z);
  let sum = 0;
  for (let i = 0; i < c; i++) sum += (z[i] = Math.exp(z[i] - mx));
  for (let i = 0; i < c; i++) z[i] /= sum;
  return { a, p: z };
}

/**
 * The mean weighted cross-entropy of a batch plus (l2 / 2n) times the squared weights (biases free), and its
 * gradient; exported for the finite-difference test.
 */
export function lossAndGrad(params: Float64Array, shape: MlpShape, x: readonly Float64Array[], y: Int32Array, w: Float64Array, l2: number): { loss: number; grad: Float64Array } {
  const { f, h, c } = shape;
  const n = x.length;
  const grad = new Float64Array(params.length);
  const o2 = h * f + h;
  let loss = 0;
  for (let s = 0; s < n; s++) {
    const { a, p } = forward(params, shape, x[s]);
    loss -= (w[s] * Math.log(Math.max(p[y[s]], 1e-300))) / n;
    const dz = Float64Array.from(p, (pi, i) => (w[s] * (pi - (i === y[s] ? 1 : 0))) / n);
    const da = new Float64Array(h);
    for (let i = 0; i < c; i++) {
      grad[o2 + c * h + i] += dz[i];
      for (let j = 0; j < h; j++) {
        grad[o2 + i * h + j] += dz[i] * a[j];
        da[j] += dz[i] * params[o2 + i * h + j];
      }
    }
    for (let j = 0; j < h; j++) {
      if (a[j] <= 0) continue;
      grad[h * f + j] += da[j];
      for (let k = 0; k < f; k++) grad[j * f + k] += da[j] * x[s][k];
    }
  }
  const weight = (p: number) => p < h * f || (p >= o2 && p < o2 + c * h);
  for (let p = 0; p < params.length; p++) {
    if (!weight(p)) continue;
    loss += (l2 / (2 * n)) * params[p] ** 2;
    grad[p] += (l2 / n) * params[p];
  }
  return { loss, grad };
}
