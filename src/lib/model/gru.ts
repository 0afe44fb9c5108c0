import * as tf from '@tensorflow/tfjs';
import { dense, product } from './dense.ts';
import type { LayoutBuilder, ParamLayout, Tensors } from './params.ts';

/**
 * A GRU layer unrolled over a short window, as TensorFlow 1's GRUCell computes it (OmniAnomaly's recurrent
 * nets):
 *   r = sigmoid(x W_r + h U_r + b_r),  u = sigmoid(x W_u + h U_u + b_u),
 *   c = tanh(x W_c + (r * h) U_c + b_c),  h' = u * h + (1 - u) * c,
 * with h_0 = 0 and the gate biases starting at 1 (GRUCell's default). Every product goes through dense.ts's
 * explicit-transpose gradient (tfjs's stock matMul gradient multiplies with transpose flags, which wasm runs
 * about 15x slower); the rest is element-wise. Each gate has its own matrices, and the sequence is a list of
 * [B, in] tensors, one per step: wasm's slice and split kernels copy element by element (about 60 ns a
 * value), so cutting a fused [B, T, 3H] projection into steps and gates would cost more than the extra products.
 *
 * Parameters, under `prefix`: `w{r,u,c}` [in, H], `u{r,u,c}` [H, H], `b{r,u,c}` [H].
 */
const GATES = ['r', 'u', 'c'] as const;

export function declareGru(b: LayoutBuilder, prefix: string, inputDim: number, hidden: number): void {
  for (const g of GATES) {
    b.add(`${prefix}.w${g}`, [inputDim, hidden], 'glorot');
    b.add(`${prefix}.u${g}`, [hidden, hidden], 'glorot');
    b.add(`${prefix}.b${g}`, [hidden], 'layer');
  }
}

/** Gate biases 1, candidate bias 0. */
export function initGru(layout: ParamLayout, flat: Float32Array, prefix: string): void {
  layout.view(flat, `${prefix}.br`).fill(1);
  layout.view(flat, `${prefix}.bu`).fill(1);
  layout.view(flat, `${prefix}.bc`).fill(0);
}

/**
 * Runs the GRU over the steps x_1..T (each [B, in]) and returns the hidden states h_1..T (each [B, H]).
 * `inputGrad: false` when the inputs are data (their gradient is then not computed).
 */
export function gruSequence(p: Tensors, prefix: string, xs: tf.Tensor2D[], opts: { inputGrad?: boolean } = {}): tf.Tensor2D[] {
  const inputGrad = opts.inputGrad ?? true;
  const linear = { activation: 'linear' as const, inputGrad };
  const w = (g: string) => [p[`${prefix}.w${g}`], p[`${prefix}.b${g}`]] as const;
  const states: tf.Tensor2D[] = [];
  let h: tf.Tensor2D | null = null;
  for (const x of xs) {
    const xu = dense(x, ...w('u'), linear);
    const xc = dense(x, ...w('c'), linear);
    if (h === null) {
      // h = 0: r does not matter, h' = (1 - u) c
      const u = tf.sigmoid(xu);
      const c = tf.tanh(xc);
      h = tf.sub(c, tf.mul(u, c)) as tf.Tensor2D;
    } else {
      const r = tf.sigmoid(tf.add(dense(x, ...w('r'), linear), product(h, p[`${prefix}.ur`])));
      const u = tf.sigmoid(tf.add(xu, product(h, p[`${prefix}.uu`])));
      const c = tf.tanh(tf.add(xc, product(tf.mul(r, h) as tf.Tensor2D, p[`${prefix}.uc`])));
      h = tf.add(c, tf.mul(u, tf.sub(h, c))) as tf.Tensor2D;
    }
    states.push(h);
  }
  return states;
}
