import * as tf from '@tensorflow/tfjs';
import { sumLastAxis } from './dense.ts';

export const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Sum over the last axis of log N(x; mean, std^2), given log std as well (callers usually have it). */
export function gaussianLogDensity(x: tf.Tensor, mean: tf.Tensor, std: tf.Tensor, logStd: tf.Tensor): tf.Tensor {
  const t = tf.div(tf.sub(x, mean), std);
  const d = x.shape[x.shape.length - 1] ?? 1;
  return tf.sub(tf.neg(tf.add(tf.mul(sumLastAxis(tf.square(t)), 0.5), sumLastAxis(logStd))), d * HALF_LOG_2PI);
}

/** Sum over the last axis of log N(z; 0, I). */
export function standardNormalLogDensity(z: tf.Tensor): tf.Tensor {
  const d = z.shape[z.shape.length - 1] ?? 1;
  return tf.sub(tf.mul(sumLastAxis(tf.square(z)), -0.5), d * HALF_LOG_2PI);
}
