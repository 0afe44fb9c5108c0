import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { determinant, Matrix } from 'ml-matrix';
import { useBackend } from '../../src/lib/backend/backend.ts';
import { ActNorm } from '../../src/lib/model/flows/actnorm.ts';
import { AffineCoupling } from '../../src/lib/model/flows/coupling.ts';
import type { FlowLayer } from '../../src/lib/model/flows/flow.ts';
import { InvertibleDense } from '../../src/lib/model/flows/invertible-dense.ts';
import { PlanarFlow } from '../../src/lib/model/flows/planar.ts';
import { LayoutBuilder, ParamLayout, type Tensors } from '../../src/lib/model/params.ts';
import { joinColumns, selectColumns, takeColumns } from '../../src/lib/model/columns.ts';
import { Random } from '../../src/lib/util/random.ts';

await useBackend('cpu');

const D = 6;

/** A layer with parameters away from their (often trivial) initial values, so every term of the map is exercised. */
function setUp(layer: FlowLayer, seed: number): Tensors {
  const b = new LayoutBuilder();
  layer.declare(b);
  const layout = new ParamLayout(b.specs);
  const rng = new Random(seed);
  const flat = layout.initialValues(rng);
  layer.init?.(layout, flat, rng);
  for (const s of layout.specs) {
    if (!s.trainable) continue;
    const v = layout.view(flat, s.name);
    for (let i = 0; i < v.length; i++) v[i] += 0.5 * rng.normal();
  }
  return layout.toTensors(flat);
}

function forwardRows(layer: FlowLayer, p: Tensors, z: number[][]): { y: number[][]; logDet: number[] } {
  return tf.tidy(() => {
    const r = layer.forward(p, tf.tensor2d(z));
    const logDet = tf.broadcastTo(r.logDet, [z.length]).arraySync() as number[];
    return { y: r.y.arraySync() as number[][], logDet };
  });
}

/** log|det J| of the layer at z by central differences. */
function finiteDifferenceLogDet(layer: FlowLayer, p: Tensors, z: number[], h = 1e-3): number {
  const rows: number[][] = [];
  for (let j = 0; j < D; j++) {
    const plus = z.slice();
    const minus = z.slice();
    plus[j] += h;
    minus[j] -= h;
    rows.push(plus, minus);
  }
  const { y } = forwardRows(layer, p, rows);
  const jac = Matrix.zeros(D, D);
  for (let j = 0; j < D; j++) for (let i = 0; i < D; i++) jac.set(i, j, (y[2 * j][i] - y[2 * j + 1][i]) / (2 * h));
  return Math.log(Math.abs(determinant(jac)));
}

const layers: [string, () => FlowLayer][] = [
  ['ActNorm', () => new ActNorm('a', D)],
  ['affine coupling (sigmoid scale)', () => new AffineCoupling('c', D, 8, 0.2)],
  ['invertible dense (LU form)', () => new InvertibleDense('d', D)],
  ['planar', () => new PlanarFlow('p', D)],
];

describe.each(layers)('%s', (_, make) => {
  const layer = make();
  const p = setUp(layer, 11);
  const rng = new Random(5);
  const z = Array.from({ length: 4 }, () => Array.from({ length: D }, () => rng.normal()));

  it('has log|det| equal to that of a finite-difference Jacobian (within 1e-3)', () => {
    const { logDet } = forwardRows(layer, p, z);
    for (let i = 0; i < z.length; i++) expect(Math.abs(logDet[i] - finiteDifferenceLogDet(layer, p, z[i]))).toBeLessThan(1e-3);
    // a map that is not volume preserving: the test would not notice a missing log-determinant otherwise
    expect(Math.max(...logDet.map(Math.abs))).toBeGreaterThan(0.05);
  });

  it('inverts: inverse(forward(z)) = z, with the opposite log-determinant', () => {
    const { y, logDet } = forwardRows(layer, p, z);
    const back = tf.tidy(() => {
      const r = layer.inverse(p, tf.tensor2d(y));
      return { z: r.z.arraySync() as number[][], logDet: tf.broadcastTo(r.logDet, [z.length]).arraySync() as number[] };
    });
    for (let i = 0; i < z.length; i++) {
      for (let j = 0; j < D; j++) expect(back.z[i][j]).toBeCloseTo(z[i][j], 4);
      expect(back.logDet[i]).toBeCloseTo(-logDet[i], 4);
    }
  });
});

describe('ActNorm data-dependent initialisation', () => {
  it('maps the initialising batch to zero mean and unit variance per dimension', () => {
    const layer = new ActNorm('a', 3);
    const b = new LayoutBuilder();
    layer.declare(b);
    const layout = new ParamLayout(b.specs);
    const flat = new Float32Array(layout.size);
    const rng = new Random(2);
    const rows = 500;
    const z = new Float32Array(rows * 3);
    for (let i = 0; i < rows; i++) for (let j = 0; j < 3; j++) z[i * 3 + j] = 5 * j - 2 + (j + 1) * 3 * rng.normal();
    layer.initFromData(layout, flat, z, 3);
    const y = tf.tidy(() => layer.forward(layout.toTensors(flat), tf.tensor2d(z, [rows, 3])).y);
    const { mean, variance } = tf.moments(y, 0);
    for (const m of mean.arraySync() as number[]) expect(Math.abs(m)).toBeLessThan(1e-4);
    for (const v of variance.arraySync() as number[]) expect(v).toBeCloseTo(1, 4);
  });
});

describe('column slices and joins', () => {
  it('give the same values and gradients by tf.slice / tf.concat and by 0/1 matrix products', () => {
    const r = new Random(3);
    const x = tf.tensor2d(Array.from({ length: 7 * 5 }, () => r.normal()), [7, 5]);
    const ws = Array.from({ length: 7 }, () => Array.from({ length: 5 }, () => r.normal()));
    const w = tf.tensor2d(ws);
    const xs = x.arraySync() as number[][];
    for (const many of [false, true]) {
      const swap = (a: tf.Tensor2D) => joinColumns(takeColumns(a, 2, 3, many), takeColumns(a, 0, 2, many), many);
      const v = swap(x).arraySync() as number[][];
      const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(swap(a as tf.Tensor2D), w)))(x).arraySync() as number[][];
      for (let i = 0; i < 7; i++) {
        expect(v[i]).toEqual([xs[i][2], xs[i][3], xs[i][4], xs[i][0], xs[i][1]]);
        // column j of x lands in column (j + 3) % 5 of the result
        for (let j = 0; j < 5; j++) expect(g[i][j]).toBeCloseTo(ws[i][(j + 3) % 5], 6);
      }
    }
  });

  it('selectColumns takes columns by a product and places the gradient back in them', () => {
    const r = new Random(4);
    const x = tf.tensor2d(Array.from({ length: 6 * 4 }, () => r.normal()), [6, 4]);
    const w = tf.tensor2d(Array.from({ length: 6 * 2 }, () => r.normal()), [6, 2]);
    const xs = x.arraySync() as number[][];
    const ws = w.arraySync() as number[][];
    expect(selectColumns(x, 1, 2).arraySync()).toEqual(xs.map((row) => [row[1], row[2]]));
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(selectColumns(a as tf.Tensor2D, 1, 2), w)))(x).arraySync() as number[][];
    expect(g).toEqual(ws.map((row) => [0, row[0], row[1], 0]));
  });
});

/** The layers' maps written op by op (tfjs differentiates these itself), to check the hand-written gradients. */
const reference: [string, () => FlowLayer, (layer: FlowLayer, p: Tensors, z: tf.Tensor2D) => { y: tf.Tensor; logDet: tf.Tensor }][] = [
  ['ActNorm', () => new ActNorm('a', D), (_, p, z) => ({ y: tf.mul(tf.add(z, p['a.bias']), tf.exp(p['a.logScale'])), logDet: tf.sum(p['a.logScale']) })],
  ['affine coupling', () => new AffineCoupling('c', D, 8, 0.2), (layer, p, z) => (layer as AffineCoupling).forward(p, z, false)],
  ['invertible dense', () => new InvertibleDense('d', D), (layer, p, z) => ({ y: tf.matMul(z, (layer as InvertibleDense).matrix(p)), logDet: tf.sum(p['d.logS']) })],
];

describe.each(reference)('%s with its own gradient', (_, make, plain) => {
  it('has the value and the gradients of the map written op by op', () => {
    const layer = make();
    const p = setUp(layer, 21);
    const names = Object.keys(p).filter((n) => !/\.(perm|sign)$/.test(n)); // the fixed ones get no gradient
    const r = new Random(9);
    const z = tf.tensor2d(Array.from({ length: 5 * D }, () => r.normal()), [5, D]);
    const weights = tf.tensor2d(Array.from({ length: 5 * D }, () => r.normal()), [5, D]);
    const loss = (own: boolean) => (zz: tf.Tensor, ...ps: tf.Tensor[]) => {
      const q: Tensors = { ...p };
      names.forEach((n, i) => (q[n] = ps[i]));
      const { y, logDet } = own ? layer.forward(q, zz as tf.Tensor2D) : plain(layer, q, zz as tf.Tensor2D);
      return tf.add(tf.sum(tf.mul(y, weights)), tf.sum(tf.mul(tf.broadcastTo(logDet, [5]), tf.range(1, 6))));
    };
    const [a, b] = [true, false].map((own) => tf.valueAndGrads(loss(own))([z, ...names.map((n) => p[n])]));
    expect(a.value.arraySync()).toBeCloseTo(b.value.arraySync() as number, 3);
    a.grads.forEach((g, i) => {
      const x = g.dataSync();
      const y = b.grads[i].dataSync();
      let norm = 0;
      for (let k = 0; k < x.length; k++) norm = Math.max(norm, Math.abs(y[k]));
      for (let k = 0; k < x.length; k++) expect(Math.abs(x[k] - y[k])).toBeLessThan(1e-4 * Math.max(1, norm));
    });
  });
});
