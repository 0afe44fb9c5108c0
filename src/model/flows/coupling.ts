import * as tf from '@tensorflow/tfjs';
import { dense } from '../dense.ts';
import type { LayoutBuilder, Tensors } from '../params.ts';
import type { FlowLayer } from './flow.ts';

/**
 * Affine coupling layer (RealNVP) with a sigmoid scale, as the reference code configures it: z = [z1, z2]
 * (first floor(d/2) dimensions, the rest), y1 = z1, y2 = (z2 + shift) * sigmoid(pre + 2), where shift and pre
 * come from a net on z1 with one leaky-ReLU hidden layer; log det = sum(log sigmoid(pre + 2)). The output
 * layer starts at zero, so the layer starts as a fixed scaling by sigmoid(2).
 */
export class AffineCoupling implements FlowLayer {
  readonly kind = 'coupling';
  static readonly SCALE_BIAS = 2;
  readonly n1: number;
  readonly n2: number;

  constructor(readonly prefix: string, readonly width: number, readonly hidden: number, readonly alpha: number) {
    if (width < 2) throw new Error('a coupling layer needs at least 2 dimensions');
    this.n1 = Math.floor(width / 2);
    this.n2 = width - this.n1;
  }

  declare(b: LayoutBuilder): void {
    b.add(`${this.prefix}.h.w`, [this.n1, this.hidden], 'glorot', { decay: true });
    b.add(`${this.prefix}.h.b`, [this.hidden], 'zeros');
    b.add(`${this.prefix}.out.w`, [this.hidden, 2 * this.n2], 'zeros');
    b.add(`${this.prefix}.out.b`, [2 * this.n2], 'zeros');
  }

  /** shift and the pre-sigmoid scale (bias included) from z1. */
  private shiftAndScale(p: Tensors, z1: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
    const h = dense(z1, p[`${this.prefix}.h.w`], p[`${this.prefix}.h.b`], { activation: 'leaky', alpha: this.alpha });
    const o = dense(h, p[`${this.prefix}.out.w`], p[`${this.prefix}.out.b`], { activation: 'linear' });
    const [shift, pre] = tf.split(o, [this.n2, this.n2], 1) as [tf.Tensor2D, tf.Tensor2D];
    return [shift, tf.add(pre, AffineCoupling.SCALE_BIAS) as tf.Tensor2D];
  }

  forward(p: Tensors, z: tf.Tensor2D) {
    const [z1, z2] = tf.split(z, [this.n1, this.n2], 1) as [tf.Tensor2D, tf.Tensor2D];
    const [shift, pre] = this.shiftAndScale(p, z1);
    const y2 = tf.mul(tf.add(z2, shift), tf.sigmoid(pre));
    // log sigmoid(a) = -softplus(-a)
    const logDet = tf.neg(tf.sum(tf.softplus(tf.neg(pre)), 1));
    return { y: tf.concat([z1, y2], 1) as tf.Tensor2D, logDet };
  }

  inverse(p: Tensors, y: tf.Tensor2D) {
    const [y1, y2] = tf.split(y, [this.n1, this.n2], 1) as [tf.Tensor2D, tf.Tensor2D];
    const [shift, pre] = this.shiftAndScale(p, y1);
    const z2 = tf.sub(tf.div(y2, tf.sigmoid(pre)), shift);
    const logDet = tf.sum(tf.softplus(tf.neg(pre)), 1);
    return { z: tf.concat([y1, z2], 1) as tf.Tensor2D, logDet };
  }
}
