import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/lib/backend/backend.ts';
import { declareGru, gruSequence, initGru } from '../../src/lib/model/gru.ts';
import { LayoutBuilder, ParamLayout, type Tensors } from '../../src/lib/model/params.ts';
import { Random } from '../../src/lib/util/random.ts';

await useBackend('wasm');

const B = 2;
const T = 4;
const IN = 3;
const H = 5;

function setup() {
  const b = new LayoutBuilder();
  declareGru(b, 'g', IN, H);
  const layout = new ParamLayout(b.specs);
  const flat = layout.initialValues(new Random(3));
  initGru(layout, flat, 'g');
  // perturb the biases so that every gate matters
  const r = new Random(4);
  for (const g of ['r', 'u', 'c']) {
    const bias = layout.view(flat, `g.b${g}`);
    for (let i = 0; i < bias.length; i++) bias[i] += 0.3 * r.normal();
  }
  // x[t] is step t, B x IN
  const x = Array.from({ length: T }, () => Float32Array.from({ length: B * IN }, () => r.normal()));
  return { layout, flat, x };
}

const steps = (x: Float32Array[]) => x.map((v) => tf.tensor2d(v, [B, IN]));

/** The GRUCell equations in plain loops (float64): h[t] is B x H. */
function reference(layout: ParamLayout, flat: Float32Array, x: Float32Array[]): Float64Array[] {
  const v = (n: string) => layout.view(flat, `g.${n}`);
  const sig = (a: number) => 1 / (1 + Math.exp(-a));
  const out: Float64Array[] = [];
  let h = new Float64Array(B * H);
  for (let t = 0; t < T; t++) {
    const next = new Float64Array(B * H);
    for (let b = 0; b < B; b++) {
      const gate = (g: string, hin: (k: number) => number) =>
        Array.from({ length: H }, (_, j) => {
          let a = v(`b${g}`)[j];
          for (let i = 0; i < IN; i++) a += x[t][b * IN + i] * v(`w${g}`)[i * H + j];
          for (let k = 0; k < H; k++) a += hin(k) * v(`u${g}`)[k * H + j];
          return a;
        });
      const r = gate('r', (k) => h[b * H + k]).map(sig);
      const u = gate('u', (k) => h[b * H + k]).map(sig);
      const c = gate('c', (k) => r[k] * h[b * H + k]).map(Math.tanh);
      for (let j = 0; j < H; j++) next[b * H + j] = u[j] * h[b * H + j] + (1 - u[j]) * c[j];
    }
    h = next;
    out.push(h);
  }
  return out;
}

/** The same cell with tfjs's stock matMul (and its stock gradient): an independent reference for gradients. */
function stockGru(p: Tensors, xs: tf.Tensor2D[]): tf.Tensor2D[] {
  let h = tf.zeros([B, H]) as tf.Tensor2D;
  return xs.map((x) => {
    const gate = (g: string, hin: tf.Tensor2D) => tf.add(tf.add(tf.matMul(x, p[`g.w${g}`] as tf.Tensor2D), tf.matMul(hin, p[`g.u${g}`] as tf.Tensor2D)), p[`g.b${g}`]);
    const r = tf.sigmoid(gate('r', h));
    const u = tf.sigmoid(gate('u', h));
    const c = tf.tanh(gate('c', tf.mul(r, h) as tf.Tensor2D));
    h = tf.add(tf.mul(u, h), tf.mul(tf.sub(1, u), c)) as tf.Tensor2D;
    return h;
  });
}

describe('GRU layer', () => {
  it('computes the GRUCell equations (checked against plain loops)', () => {
    const { layout, flat, x } = setup();
    const got = tf.tidy(() => gruSequence(layout.toTensors(flat), 'g', steps(x)).map((h) => h.dataSync()));
    const want = reference(layout, flat, x);
    for (let t = 0; t < T; t++) for (let i = 0; i < B * H; i++) expect(got[t][i]).toBeCloseTo(want[t][i], 5);
  });

  it('has the gradient of the stock-op graph (parameters and inputs), and of finite differences', () => {
    const { layout, flat, x } = setup();
    const names = layout.specs.map((s) => s.name);
    const weights = tf.tidy(() => Array.from({ length: T }, (_, t) => tf.randomNormal([B, H], 0, 1, 'float32', 7 + t)));
    const objectiveOf = (hs: tf.Tensor[]) => tf.addN(hs.map((h, t) => tf.sum(tf.mul(h, weights[t]))));
    const gradsOf = (f: (p: Tensors, xs: tf.Tensor2D[]) => tf.Tensor2D[]) =>
      tf.tidy(() => {
        const p = layout.toTensors(flat);
        const g = tf.grads((...ts: tf.Tensor[]) => {
          const q: Tensors = {};
          names.forEach((n, i) => (q[n] = ts[i]));
          return objectiveOf(f(q, ts.slice(names.length) as tf.Tensor2D[]));
        });
        return g([...names.map((n) => p[n]), ...steps(x)]).map((t) => t.dataSync() as Float32Array);
      });
    const ours = gradsOf((p, xs) => gruSequence(p, 'g', xs));
    const stock = gradsOf(stockGru);
    ours.forEach((g, k) => {
      for (let i = 0; i < g.length; i++) expect(g[i]).toBeCloseTo(stock[k][i], 4);
    });
    // central differences on a few entries of U_c and of the first step's input
    const objective = (f: Float32Array, xv: Float32Array[]) => tf.tidy(() => objectiveOf(gruSequence(layout.toTensors(f), 'g', steps(xv))).dataSync()[0]);
    const h = 1e-2;
    const ucOffset = layout.offsets.get('g.uc')!;
    for (const i of [0, 7, 24]) {
      const up = flat.slice();
      const down = flat.slice();
      up[ucOffset + i] += h;
      down[ucOffset + i] -= h;
      expect((objective(up, x) - objective(down, x)) / (2 * h)).toBeCloseTo(ours[names.indexOf('g.uc')][i], 2);
    }
    for (const i of [1, 4]) {
      const up = x.map((v) => v.slice());
      const down = x.map((v) => v.slice());
      up[0][i] += h;
      down[0][i] -= h;
      expect((objective(flat, up) - objective(flat, down)) / (2 * h)).toBeCloseTo(ours[names.length][i], 2);
    }
    tf.dispose(weights);
  });
});
