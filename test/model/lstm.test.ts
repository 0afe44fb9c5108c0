import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/lib/backend/backend.ts';
import { LstmWeights, declareLstm, initLstm, lstmBackward, lstmForward, orthogonalRows } from '../../src/lib/model/lstm.ts';
import { LayoutBuilder, ParamLayout } from '../../src/lib/model/params.ts';
import { oneHot } from '../../src/lib/model/wasm-ops.ts';
import { Random } from '../../src/lib/util/random.ts';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The textbook LSTM with stock tfjs ops (one matMul, split, tanh): the reference for values and, through tf.grads, gradients. */
function reference(w: tf.Tensor2D, b: tf.Tensor1D, xs: tf.Tensor2D[][], H: number): tf.Tensor2D[] {
  const B = xs[0][0].shape[0];
  let h: tf.Tensor2D = tf.zeros([B, H]);
  let c: tf.Tensor2D = tf.zeros([B, H]);
  const out: tf.Tensor2D[] = [];
  for (const step of xs) {
    const z = tf.add(tf.matMul(tf.concat([...step, h], 1), w), b);
    const [i, f, g, o] = tf.split(z, 4, 1);
    c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
    h = tf.mul(tf.sigmoid(o), tf.tanh(c));
    out.push(h);
  }
  return out;
}

function randomTensor(rng: Random, shape: number[], scale = 1): tf.Tensor {
  const n = shape.reduce((a, x) => a * x, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rng.normal() * scale), shape);
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`LSTM layer with explicit backpropagation through time (${backend})`, () => {
    it('computes one step of a 1-unit cell as the formulas do', async () => {
      await useBackend(backend);
      // w rows: input x, then h; columns: i, f, g, o
      const w = tf.tensor2d([[0.5, -0.3, 0.8, 0.2], [0.1, 0.4, -0.6, 0.7]]);
      const b = tf.tensor1d([0.1, 1, -0.2, 0.05]);
      const lw = new LstmWeights(w, b);
      const x1 = 1.5;
      const x2 = -0.7;
      const { hs } = lstmForward(lw, [[tf.tensor2d([[x1]])], [tf.tensor2d([[x2]])]], false);
      const i1 = sigmoid(0.5 * x1 + 0.1);
      const g1 = Math.tanh(0.8 * x1 - 0.2);
      const o1 = sigmoid(0.2 * x1 + 0.05);
      const c1 = i1 * g1;
      const h1 = o1 * Math.tanh(c1);
      const z = (k: number) => [0.5, -0.3, 0.8, 0.2][k] * x2 + [0.1, 0.4, -0.6, 0.7][k] * h1 + [0.1, 1, -0.2, 0.05][k];
      const c2 = sigmoid(z(1)) * c1 + sigmoid(z(0)) * Math.tanh(z(2));
      const h2 = sigmoid(z(3)) * Math.tanh(c2);
      expect(hs[0].dataSync()[0]).toBeCloseTo(h1, 6);
      expect(hs[1].dataSync()[0]).toBeCloseTo(h2, 6);
    });

    it('gives the same outputs and gradients as tf.grads through the textbook cell', async () => {
      await useBackend(backend);
      const rng = new Random(7);
      const [B, H, T] = [3, 5, 4];
      const widths = [3, 2];
      const w = randomTensor(rng, [5 + H, 4 * H], 0.5) as tf.Tensor2D;
      const b = randomTensor(rng, [4 * H], 0.5) as tf.Tensor1D;
      // source 0 is one-hot (ids, as a key model's input), source 1 dense
      const ids = Array.from({ length: T }, () => Int32Array.from({ length: B }, () => rng.int(3)));
      const xs = ids.map((step) => [oneHot(step, 3), randomTensor(rng, [B, 2]) as tf.Tensor2D]);
      // the loss reads h at steps 1 and 3 only: sum(h_t * R_t)
      const R: (tf.Tensor2D | null)[] = [null, randomTensor(rng, [B, H]) as tf.Tensor2D, null, randomTensor(rng, [B, H]) as tf.Tensor2D];
      const loss = (hs: tf.Tensor2D[]) => tf.addN(hs.flatMap((h, t) => (R[t] ? [tf.sum(tf.mul(h, R[t]!))] : []))) as tf.Scalar;

      const flatX = xs.flatMap((s) => s);
      const g = tf.grads((wv: tf.Tensor, bv: tf.Tensor, ...x: tf.Tensor[]) => {
        const steps = Array.from({ length: T }, (_, t) => [x[2 * t], x[2 * t + 1]] as tf.Tensor2D[]);
        return loss(reference(wv as tf.Tensor2D, bv as tf.Tensor1D, steps, H));
      })([w, b, ...flatX]);

      const lw = new LstmWeights(w, b);
      const { hs, tape } = lstmForward(lw, xs, true);
      const want = reference(w, b, xs, H);
      hs.forEach((h, t) => expectClose(h, want[t], 1e-5));
      // only the second source asks for its gradient; the one-hot source's kernel rows come from a scatter-add
      const grads = lstmBackward(lw, tape!, R, widths, [false, true], [ids, null]);
      expectClose(grads.w, g[0], 1e-4);
      expectClose(lstmBackward(lw, tape!, R, widths, [false, true]).w, g[0], 1e-4);
      expectClose(grads.b, g[1], 1e-4);
      for (let t = 0; t < T; t++) {
        expect(grads.inputs[t][0]).toBeNull();
        expectClose(grads.inputs[t][1]!, g[2 + 2 * t + 1], 1e-4);
      }
    });
  });
}

describe('LSTM initialisation', () => {
  it('draws orthonormal recurrent rows, Glorot input rows and a forget bias of 1, reproducibly', () => {
    const b = new LayoutBuilder();
    declareLstm(b, 'l', 6, 4);
    const layout = new ParamLayout(b.specs);
    const init = (seed: number) => {
      const flat = new Float32Array(layout.size);
      initLstm(layout, flat, 'l', 6, 4, new Random(seed));
      return flat;
    };
    const flat = init(3);
    expect(init(3)).toEqual(flat);
    expect(init(4)).not.toEqual(flat);
    const w = layout.view(flat, 'l.w');
    const rec = w.subarray(6 * 16);
    for (let p = 0; p < 4; p++) {
      for (let q = 0; q < 4; q++) {
        let dot = 0;
        for (let j = 0; j < 16; j++) dot += rec[p * 16 + j] * rec[q * 16 + j];
        expect(dot).toBeCloseTo(p === q ? 1 : 0, 5);
      }
    }
    expect(Array.from(layout.view(flat, 'l.b'))).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    const inputRows = Array.from(w.subarray(0, 6 * 16));
    const std = Math.sqrt(inputRows.reduce((a, x) => a + x * x, 0) / inputRows.length);
    // Glorot normal: std sqrt(2 / (fanIn + fanOut)) = sqrt(2 / 22) ~ 0.30 (96 draws)
    expect(std).toBeGreaterThan(0.2);
    expect(std).toBeLessThan(0.4);
  });

  it('orthogonalRows gives a matrix with W W^T = I', () => {
    const out = new Float32Array(3 * 5);
    orthogonalRows(out, 3, 5, new Random(1));
    for (let p = 0; p < 3; p++) for (let q = 0; q < 3; q++) {
      let dot = 0;
      for (let j = 0; j < 5; j++) dot += out[p * 5 + j] * out[q * 5 + j];
      expect(dot).toBeCloseTo(p === q ? 1 : 0, 5);
    }
  });
});

function expectClose(a: tf.Tensor, b: tf.Tensor, tol: number): void {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let worst = 0;
  for (let k = 0; k < x.length; k++) worst = Math.max(worst, Math.abs(x[k] - y[k]) / (1 + Math.abs(y[k])));
  expect(worst).toBeLessThan(tol);
}
