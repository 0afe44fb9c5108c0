import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend/backend.ts';
import { declareGru, gruSequence, initGru } from '../../src/model/gru.ts';
import { LayoutBuilder, ParamLayout, type Tensors } from '../../src/model/params.ts';
import { Random } from '../../src/util/random.ts';

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
  const bias = layout.view(flat, 'g.b');
  const r = new Random(4);
  for (let i = 0; i < bias.length; i++) bias[i] += 0.3 * r.normal();
  const x = Float32Array.from({ length: B * T * IN }, () => r.normal());
  return { layout, flat, x };
}

/** The GRUCell equations in plain loops (float64). */
function reference(layout: ParamLayout, flat: Float32Array, x: Float32Array): Float64Array {
  const wx = layout.view(flat, 'g.wx');
  const bias = layout.view(flat, 'g.b');
  const uru = layout.view(flat, 'g.uru');
  const uc = layout.view(flat, 'g.uc');
  const out = new Float64Array(B * T * H);
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  for (let b = 0; b < B; b++) {
    let h = new Float64Array(H);
    for (let t = 0; t < T; t++) {
      const xt = x.subarray((b * T + t) * IN, (b * T + t + 1) * IN);
      const r = new Float64Array(H);
      const u = new Float64Array(H);
      for (let j = 0; j < H; j++) {
        let ar = bias[j];
        let au = bias[H + j];
        for (let i = 0; i < IN; i++) {
          ar += xt[i] * wx[i * 3 * H + j];
          au += xt[i] * wx[i * 3 * H + H + j];
        }
        for (let k = 0; k < H; k++) {
          ar += h[k] * uru[k * 2 * H + j];
          au += h[k] * uru[k * 2 * H + H + j];
        }
        r[j] = sig(ar);
        u[j] = sig(au);
      }
      const next = new Float64Array(H);
      for (let j = 0; j < H; j++) {
        let ac = bias[2 * H + j];
        for (let i = 0; i < IN; i++) ac += xt[i] * wx[i * 3 * H + 2 * H + j];
        for (let k = 0; k < H; k++) ac += r[k] * h[k] * uc[k * H + j];
        const c = Math.tanh(ac);
        next[j] = u[j] * h[j] + (1 - u[j]) * c;
      }
      h = next;
      out.set(h, (b * T + t) * H);
    }
  }
  return out;
}

/** The same cell with tfjs's stock matMul (and its stock gradient): an independent reference for gradients. */
function stockGru(p: Tensors, x: tf.Tensor3D): tf.Tensor {
  const wx = p['g.wx'] as tf.Tensor2D;
  const uru = p['g.uru'] as tf.Tensor2D;
  const uc = p['g.uc'] as tf.Tensor2D;
  let h = tf.zeros([B, H]) as tf.Tensor2D;
  const states: tf.Tensor[] = [];
  for (let t = 0; t < T; t++) {
    const xt = tf.squeeze(tf.slice(x, [0, t, 0], [B, 1, IN]), [1]) as tf.Tensor2D;
    const a = tf.add(tf.matMul(xt, wx), p['g.b']);
    const ru = tf.sigmoid(tf.add(tf.slice(a, [0, 0], [B, 2 * H]), tf.matMul(h, uru)));
    const r = tf.slice(ru, [0, 0], [B, H]);
    const u = tf.slice(ru, [0, H], [B, H]);
    const c = tf.tanh(tf.add(tf.slice(a, [0, 2 * H], [B, H]), tf.matMul(tf.mul(r, h) as tf.Tensor2D, uc)));
    h = tf.add(tf.mul(u, h), tf.mul(tf.sub(1, u), c)) as tf.Tensor2D;
    states.push(h);
  }
  return tf.stack(states, 1);
}

describe('GRU layer', () => {
  it('computes the GRUCell equations (checked against plain loops)', () => {
    const { layout, flat, x } = setup();
    const got = tf.tidy(() => gruSequence(layout.toTensors(flat), 'g', tf.tensor3d(x, [B, T, IN])).dataSync());
    const want = reference(layout, flat, x);
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
  });

  it('has the gradient of the stock-op graph (parameters and input), and of finite differences', () => {
    const { layout, flat, x } = setup();
    const names = layout.specs.map((s) => s.name);
    const weights = tf.tidy(() => tf.randomNormal([B, T, H], 0, 1, 'float32', 7));
    const gradsOf = (f: (p: Tensors, x: tf.Tensor3D) => tf.Tensor) =>
      tf.tidy(() => {
        const p = layout.toTensors(flat);
        const g = tf.grads((...ts: tf.Tensor[]) => {
          const q: Tensors = {};
          names.forEach((n, i) => (q[n] = ts[i]));
          return tf.sum(tf.mul(f(q, ts[names.length] as tf.Tensor3D), weights));
        });
        return g([...names.map((n) => p[n]), tf.tensor3d(x, [B, T, IN])]).map((t) => t.dataSync() as Float32Array);
      });
    const ours = gradsOf((p, xt) => gruSequence(p, 'g', xt));
    const stock = gradsOf(stockGru);
    ours.forEach((g, k) => {
      for (let i = 0; i < g.length; i++) expect(g[i]).toBeCloseTo(stock[k][i], 4);
    });
    // central differences on a few entries of U_c and of x
    const objective = (f: Float32Array, xv: Float32Array) =>
      tf.tidy(() => tf.sum(tf.mul(gruSequence(layout.toTensors(f), 'g', tf.tensor3d(xv, [B, T, IN])), weights)).dataSync()[0]);
    const h = 1e-2;
    const ucOffset = layout.offsets.get('g.uc')!;
    for (const i of [0, 7, 24]) {
      const up = flat.slice();
      const down = flat.slice();
      up[ucOffset + i] += h;
      down[ucOffset + i] -= h;
      expect((objective(up, x) - objective(down, x)) / (2 * h)).toBeCloseTo(ours[names.indexOf('g.uc')][i], 2);
    }
    for (const i of [1, 13]) {
      const up = x.slice();
      const down = x.slice();
      up[i] += h;
      down[i] -= h;
      expect((objective(flat, up) - objective(flat, down)) / (2 * h)).toBeCloseTo(ours[names.length][i], 2);
    }
    weights.dispose();
  });
});
