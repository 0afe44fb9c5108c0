import * as tf from '@tensorflow/tfjs';
import { scoreNoiseInto } from '../../src/lib/model/noise.ts';
import type { Tensors } from '../../src/lib/model/params.ts';
import type { FlowVae } from '../../src/lib/model/vae.ts';

/**
 * AEVB's error of a window (spec 6.3, step 4): the squared reconstruction error of its last point,
 * (y_last - mean of p(x|z)_last)^2, averaged over `samples` draws z ~ q(z|x). `windows` holds n rows of the
 * model's input width; row i's noise is keyed by keys[i], so an error does not depend on how rows are chunked.
 */
export function lastPointErrors(model: FlowVae, p: Tensors, windows: Float32Array, n: number, opts: { samples: number; seed: number; keys: Uint32Array }): Float64Array {
  const W = model.config.inputDim;
  const Z = model.config.zDim;
  const L = opts.samples;
  const per = Math.max(1, Math.floor(8192 / L));
  const out = new Float64Array(n);
  for (let start = 0; start < n; start += per) {
    const b = Math.min(per, n - start);
    const eps = new Float32Array(L * b * Z);
    for (let i = 0; i < b; i++) scoreNoiseInto(opts.seed, opts.keys[start + i], L, Z, eps, b, i);
    const e = tf.tidy(() => {
      const x = tf.tensor2d(windows.subarray(start * W, (start + b) * W), [b, W]);
      const { mean, std } = model.encode(p, x);
      const { z } = model.posterior(p, mean, std, tf.tensor2d(eps, [L * b, Z]));
      const last = tf.slice(model.decode(p, z).mean, [0, W - 1], [L * b, 1]).reshape([L, b]);
      const y = tf.slice(x, [0, W - 1], [b, 1]).reshape([1, b]);
      return tf.mean(tf.square(tf.sub(last, y)), 0);
    });
    out.set(e.dataSync(), start);
    e.dispose();
  }
  return out;
}
