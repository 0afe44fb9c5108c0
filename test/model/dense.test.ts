import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/lib/backend/backend.ts';
import { columnSums, dense, REPACK_SIZE, rowSums, softplus, sumLastAxis } from '../../src/lib/model/dense.ts';
import { Random } from '../../src/lib/util/random.ts';

await useBackend('wasm');

const randn = (shape: [number, number] | [number], r: Random) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.normal()), shape);

/** max |a - b| over max(1, max |b|): agreement relative to the reference's scale. */
function relDiff(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  let scale = 1;
  let diff = 0;
  for (let i = 0; i < y.length; i++) scale = Math.max(scale, Math.abs(y[i]));
  for (let i = 0; i < y.length; i++) diff = Math.max(diff, Math.abs(x[i] - y[i]));
  return diff / scale;
}

// a small layer, and one whose kernel is large enough for the transposed input-gradient product
const shapes: [string, number, number][] = [
  ['a 7 x 5 kernel', 7, 5],
  [`a 300 x 256 kernel (>= ${REPACK_SIZE} elements)`, 300, 256],
];

describe.each(shapes)('dense layer with its own gradient, %s', (_, inDim, outDim) => {
  it.each(['leaky', 'linear'] as const)('%s: has the value and gradients of the layer written with tfjs ops', (activation) => {
    const r = new Random(inDim);
    const x = randn([6, inDim], r);
    const w = tf.mul(randn([inDim, outDim], r), 0.1);
    const b = randn([outDim], r);
    const weights = randn([6, outDim], r);
    const plain = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => {
      const p = tf.add(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D), bb);
      return activation === 'leaky' ? tf.leakyRelu(p, 0.2) : p;
    };
    const own = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => dense(xx as tf.Tensor2D, ww, bb, { activation, alpha: 0.2 });
    const loss = (f: typeof plain) => (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(xx, ww, bb), weights));
    expect(relDiff(own(x, w, b), plain(x, w, b))).toBeLessThan(1e-5);
    const a = tf.grads(loss(own))([x, w, b]);
    const e = tf.grads(loss(plain))([x, w, b]);
    a.forEach((g, i) => expect(relDiff(g, e[i])).toBeLessThan(1e-4));
  });
});

describe('softplus', () => {
  it('equals log(1 + exp(a)), including far out in both tails', () => {
    const a = [-80, -20, -1, -1e-3, 0, 1e-3, 1, 20, 80];
    const got = softplus(tf.tensor1d(a)).dataSync();
    a.forEach((v, i) => expect(got[i]).toBeCloseTo(v > 30 ? v : Math.log1p(Math.exp(v)), 5));
  });
});

describe('sums by products with ones', () => {
  it('columnSums and rowSums equal tf.sum along the axis', () => {
    const r = new Random(7);
    const x = tf.tensor2d(Array.from({ length: 9 * 4 }, () => r.normal()), [9, 4]);
    const close = (a: tf.Tensor, b: tf.Tensor) => Array.from(a.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(b.dataSync()[i], 5));
    expect(columnSums(x).shape).toEqual([4]);
    expect(rowSums(x).shape).toEqual([9]);
    close(columnSums(x), tf.sum(x, 0));
    close(rowSums(x), tf.sum(x, 1));
  });
});

describe('sumLastAxis', () => {
  it.each([
    [[6, 5], 'rank 2'],
    [[3, 4, 7], 'rank 3'],
  ] as [number[], string][])('%s (%s): the values and the gradient of tf.sum over the last axis, exactly', (shape) => {
    const r = new Random(11);
    const size = shape.reduce((a, b) => a * b, 1);
    const x = tf.tensor(Array.from({ length: size }, () => r.normal()), shape);
    const rows = size / shape[shape.length - 1];
    // a weight per row, so that each row's gradient differs (a gradient of ones would hide a wrong broadcast)
    const c = tf.tensor(Array.from({ length: rows }, () => r.normal()), shape.slice(0, -1));
    const ours = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(sumLastAxis(a), c)))(x);
    const stock = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.sum(a, -1), c)))(x);
    expect(sumLastAxis(x).shape).toEqual(shape.slice(0, -1));
    expect(Array.from(sumLastAxis(x).dataSync())).toEqual(Array.from(tf.sum(x, -1).dataSync()));
    expect(ours.shape).toEqual(shape);
    expect(Array.from(ours.dataSync())).toEqual(Array.from(stock.dataSync()));
  });
});
