import * as tf from '@tensorflow/tfjs';

/**
 * Small ops written around slow or faulty kernels of tfjs's wasm backend (tfjs 4.22), for the sequence models.
 * Each is exact; the notes give the kernel it avoids and what it costs there.
 */

/**
 * One-hot rows [n, depth] (float32) of integer ids. Built as int32 and cast: wasm's OneHot kernel asked for
 * float32 writes the integer bit patterns into the float buffer (1 reads as 1.4e-45).
 */
export function oneHot(ids: Int32Array, depth: number): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(ids, 'int32'), depth), 'float32')) as tf.Tensor2D;
}

/** tanh, as 2 sigmoid(2x) - 1 on wasm (its sigmoid is vectorised, its tanh is not: about 2x faster). */
export function tanh(x: tf.Tensor): tf.Tensor {
  if (tf.getBackend() !== 'wasm') return tf.tanh(x);
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1);
}

/** Column sums [cols] of a matrix, as ones [1, rows] x m (wasm's Sum over axis 0 is ~8x slower than the product). */
export { columnSums } from './dense.ts';

/**
 * Softmax cross-entropy of logits [B, V] against one-hot targets: the softmax (wasm's Softmax is ~8x faster than
 * its LogSoftmax, which runs Exp and Log unvectorised) and -log p(target) per row [B, 1] (p floored at 1e-30).
 * The gradient with respect to the logits is softmax - target.
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, target: tf.Tensor2D): { probs: tf.Tensor2D; nll: tf.Tensor2D } {
  const probs = tf.softmax(logits) as tf.Tensor2D;
  const own = tf.matMul(tf.mul(probs, target), tf.ones([logits.shape[1], 1]));
  return { probs, nll: tf.neg(tf.log(tf.add(own, 1e-30))) as tf.Tensor2D };
}
