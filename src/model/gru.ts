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
 * about 15x slower); the rest is element-wise. The input projections of all time steps are one product.
 *
 * Parameters, under `prefix`: `wx` [in, 3H] (W_r | W_u | W_c), `b` [3H], `uru` [H, 2H] (U_r | U_u), `uc` [H, H].
 */
export function declareGru(b: LayoutBuilder, prefix: string, inputDim: number, hidden: number): void {
  b.add(`${prefix}.wx`, [inputDim, 3 * hidden], 'glorot');
  b.add(`${prefix}.b`, [3 * hidden], 'layer');
  b.add(`${prefix}.uru`, [hidden, 2 * hidden], 'glorot');
  b.add(`${prefix}.uc`, [hidden, hidden], 'glorot');
}

/** Gate biases 1, candidate bias 0. */
export function initGru(layout: ParamLayout, flat: Float32Array, prefix: string): void {
  const bias = layout.view(flat, `${prefix}.b`);
  const h = bias.length / 3;
  bias.fill(1, 0, 2 * h).fill(0, 2 * h);
}

/**
 * Runs the GRU over x [B, T, in] and returns every hidden state, [B, T, H]. `inputGrad: false` when x is data
 * (its gradient is then not computed).
 */
export function gruSequence(p: Tensors, prefix: string, x: tf.Tensor3D, opts: { inputGrad?: boolean } = {}): tf.Tensor3D {
  const [B, T, inputDim] = x.shape;
  const uru = p[`${prefix}.uru`] as tf.Tensor2D;
  const uc = p[`${prefix}.uc`] as tf.Tensor2D;
  const H = uc.shape[0];
  const projected = dense(x.reshape([B * T, inputDim]), p[`${prefix}.wx`], p[`${prefix}.b`], { activation: 'linear', inputGrad: opts.inputGrad ?? true });
  const steps = tf.unstack(projected.reshape([B, T, 3 * H]), 1) as tf.Tensor2D[];
  const states: tf.Tensor2D[] = [];
  let h: tf.Tensor2D | null = null;
  for (const s of steps) {
    const [xru, xc] = tf.split(s, [2 * H, H], 1) as tf.Tensor2D[];
    const ru = tf.sigmoid(h === null ? xru : tf.add(xru, product(h, uru)));
    const [r, u] = tf.split(ru, 2, 1) as tf.Tensor2D[];
    const c = tf.tanh(h === null ? xc : tf.add(xc, product(tf.mul(r, h) as tf.Tensor2D, uc)));
    // h' = u h + (1 - u) c = c + u (h - c); from h = 0: (1 - u) c
    h = (h === null ? tf.sub(c, tf.mul(u, c)) : tf.add(c, tf.mul(u, tf.sub(h, c)))) as tf.Tensor2D;
    states.push(h);
  }
  return tf.stack(states, 1) as tf.Tensor3D;
}
