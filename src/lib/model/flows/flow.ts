import type * as tf from '@tensorflow/tfjs';
import type { LayoutBuilder, ParamLayout, Tensors } from '../params.ts';
import type { Random } from '../../util/random.ts';

/**
 * One invertible layer of the posterior flow (paper sec. III-B): z' = f(z) with log|det df/dz|.
 * Layers read their parameters by name from the model's tensors, so one set of parameters can be swapped for
 * another (optimiser updates, the best weights of early stopping) without rebuilding anything.
 */
export interface FlowLayer {
  readonly kind: string;
  /** Declares the layer's parameters. */
  declare(b: LayoutBuilder): void;
  /** Sets the parameters whose init is 'layer' (random orthogonal matrices and the like). */
  init?(layout: ParamLayout, flat: Float32Array, rng: Random): void;
  /** Data-dependent initialisation from a batch of inputs (ActNorm): rows x width values, row-major. */
  initFromData?(layout: ParamLayout, flat: Float32Array, z: Float32Array, width: number): void;
  /** y = f(z) and log|det df/dz| per row (a scalar where it is the same for every row). */
  forward(p: Tensors, z: tf.Tensor2D): { y: tf.Tensor2D; logDet: tf.Tensor };
  /** z = f^-1(y) and log|det df^-1/dy| = -log|det df/dz|. */
  inverse(p: Tensors, y: tf.Tensor2D): { z: tf.Tensor2D; logDet: tf.Tensor };
}
