import type * as tf from '@tensorflow/tfjs';
import type { Random } from '../util/random.ts';
import type { ParamLayout, Tensors } from './params.ts';

/**
 * What the trainer and the engines need of a model trained by SGVB: the flow-VAE (vae.ts) and the baselines'
 * variational models (AEVB reuses the flow-VAE; OmniAnomaly's recurrent VAE is another implementation).
 * Rows of data are `config.inputDim` wide and each row draws `config.zDim` standard normals per latent sample,
 * whatever shape the model gives them inside (a window of T time steps is one row of T x M values).
 */
export interface SgvbModel {
  readonly layout: ParamLayout;
  readonly config: { readonly inputDim: number; readonly zDim: number };
  /** Random initial parameters. */
  initialParams(rng: Random): Float32Array;
  /** Data-dependent initialisation from one batch (ActNorm); a no-op for models without it. */
  initFromData(flat: Float32Array, x: tf.Tensor2D, eps: tf.Tensor2D): void;
  /** The training loss of a batch: -mean ELBO plus any penalty. */
  loss(p: Tensors, x: tf.Tensor2D, eps: tf.Tensor2D): tf.Scalar;
  /** Log importance weights log p(x, z_l) - log q(z_l | x), shape [L, n], eps [L * n, zDim] (sample l of row i at row l * n + i). */
  logWeights(p: Tensors, x: tf.Tensor2D, eps: tf.Tensor2D): tf.Tensor2D;
}
