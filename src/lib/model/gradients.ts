import * as tf from '@tensorflow/tfjs';
import type { Tensors } from './params.ts';
import type { SgvbModel } from './sgvb-model.ts';

/**
 * The SGVB loss of a batch and its gradient with respect to every trainable parameter, both multiplied by
 * `scale` (a worker's share of the batch, so that the shares' gradients add up to the whole batch's).
 */
export function lossAndGrads(model: Pick<SgvbModel, 'layout' | 'loss'>, p: Tensors, x: tf.Tensor2D, eps: tf.Tensor2D, scale = 1): { loss: tf.Scalar; grads: Tensors } {
  const names = model.layout.trainable.map((s) => s.name);
  const f = (...ts: tf.Tensor[]) => {
    const q: Tensors = { ...p };
    names.forEach((n, i) => (q[n] = ts[i]));
    const loss = model.loss(q, x, eps);
    return scale === 1 ? loss : (tf.mul(loss, scale) as tf.Scalar);
  };
  const { value, grads } = tf.valueAndGrads(f)(names.map((n) => p[n]));
  const out: Tensors = {};
  names.forEach((n, i) => (out[n] = grads[i]));
  return { loss: value as tf.Scalar, grads: out };
}

/** Rows `idx[from..to)` of a row-major matrix, gathered into one array (`out` when given: it must hold them exactly). */
export function gatherRows(x: Float32Array, width: number, idx: ArrayLike<number>, from: number, to: number, out: Float32Array = new Float32Array((to - from) * width)): Float32Array {
  if (out.length !== (to - from) * width) throw new Error(`gatherRows: ${out.length} floats for ${to - from} rows of ${width}`);
  for (let k = from; k < to; k++) {
    const i = idx[k];
    out.set(x.subarray(i * width, (i + 1) * width), (k - from) * width);
  }
  return out;
}
