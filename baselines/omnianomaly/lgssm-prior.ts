import * as tf from '@tensorflow/tfjs';
import { product } from '../../src/lib/model/dense.ts';
import { HALF_LOG_2PI, standardNormalLogDensity } from '../../src/lib/model/gaussian.ts';

/**
 * OmniAnomaly's prior over z_1..T (its official code: a linear Gaussian state-space model with identity
 * transition and observation matrices and unit-variance initial, transition and observation noise), per
 * latent dimension independently:
 *   s_1 ~ N(0, 1),  s_t = s_{t-1} + w_t,  z_t = s_t + v_t,  w_t, v_t ~ N(0, 1).
 * log p(z_1..T) is the sum of the Kalman filter's one-step predictive densities N(z_t; m_t, S_t). The
 * variances and gains do not depend on the data, so they are computed once here:
 *   P_1 = 1;  S_t = P_t + 1;  K_t = P_t / S_t;  P_{t+1} = P_t (1 - K_t) + 1;  m_1 = 0;  m_{t+1} = m_t + K_t (z_t - m_t).
 * (The same marginal is N(0, Sigma) with Sigma_ij = min(i, j) + [i = j], which the tests check.)
 */
export function kalmanConstants(T: number): { S: Float64Array; K: Float64Array } {
  const S = new Float64Array(T);
  const K = new Float64Array(T);
  let P = 1;
  for (let t = 0; t < T; t++) {
    S[t] = P + 1;
    K[t] = P / S[t];
    P = P * (1 - K[t]) + 1;
  }
  return { S, K };
}

/**
 * The predictive means as one matrix: m_t = sum_{s<t} A[s, t] z_s, with A[t, t+1] = K_t and
 * A[s, t+1] = (1 - K_t) A[s, t] for s < t (unrolling m_{t+1} = (1 - K_t) m_t + K_t z_t).
 */
export function kalmanMeanWeights(T: number): Float32Array {
  const { K } = kalmanConstants(T);
  const A = new Float64Array(T * T);
  for (let t = 0; t + 1 < T; t++) {
    for (let s = 0; s < t; s++) A[s * T + t + 1] = (1 - K[t]) * A[s * T + t];
    A[t * T + t + 1] = K[t];
  }
  return Float32Array.from(A);
}

export const PRIORS = ['lgssm', 'normal'] as const;
export type PriorKind = (typeof PRIORS)[number];

/**
 * log p(z_1..T) per window of z [T, N, Z] (time-major): the LGSSM prior, or `normal`, N(0, I) at every step (the official
 * code's use_connected_z_p = false; spec 8.4's simplified option). The means of all steps come from one
 * product with kalmanMeanWeights (a handful of ops instead of a loop over T).
 */
export function priorLogDensity(z: tf.Tensor3D, kind: PriorKind): tf.Tensor1D {
  const [T, N, Z] = z.shape;
  if (kind === 'normal') return tf.sum(standardNormalLogDensity(z), 0) as tf.Tensor1D;
  const { S } = kalmanConstants(T);
  const byDim = tf.transpose(z, [1, 2, 0]).reshape([N * Z, T]) as tf.Tensor2D;
  const mean = product(byDim, tf.tensor2d(kalmanMeanWeights(T), [T, T]));
  const scaled = tf.div(tf.sub(byDim, mean), tf.tensor2d(Float32Array.from(S, Math.sqrt), [1, T]));
  const quad = tf.sum(tf.square(scaled).reshape([N, Z * T]), 1);
  const logDetS = S.reduce((a, v) => a + Math.log(v), 0);
  return tf.sub(tf.mul(quad, -0.5), Z * (0.5 * logDetS + T * HALF_LOG_2PI)) as tf.Tensor1D;
}
