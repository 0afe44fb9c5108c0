import * as tf from '@tensorflow/tfjs';
import { joinColumns, takeColumns } from '../columns.ts';
import { dense, softplus } from '../dense.ts';
import type { LayoutBuilder, Tensors } from '../params.ts';
import type { FlowLayer } from './flow.ts';

/**
 * Affine coupling layer (RealNVP) with a sigmoid scale, as the reference code configures it: z = [z1, z2]
 * (first floor(d/2) dimensions, the rest), y1 = z1, y2 = (z2 + shift) * sigmoid(pre + 2), where shift and pre
 * come from a net on z1 with one leaky-ReLU hidden layer; log det = sum(log sigmoid(pre + 2)). The shift and
 * scale layers start at zero, so the layer starts as a fixed scaling by sigmoid(2).
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
    for (const head of ['shift', 'scale']) {
      b.add(`${this.prefix}.${head}.w`, [this.hidden, this.n2], 'zeros');
      b.add(`${this.prefix}.${head}.b`, [this.n2], 'zeros');
    }
  }

  /** The halves of an input (forward) or output (inverse), shift, and the pre-sigmoid scale (bias included). */
  private parts(p: Tensors, v: tf.Tensor2D) {
    const v1 = takeColumns(v, 0, this.n1);
    const v2 = takeColumns(v, this.n1, this.n2);
    const n = (k: string) => p[`${this.prefix}.${k}`];
    const h = dense(v1, n('h.w'), n('h.b'), { activation: 'leaky', alpha: this.alpha });
    const shift = dense(h, n('shift.w'), n('shift.b'), { activation: 'linear' });
    const pre = tf.add(dense(h, n('scale.w'), n('scale.b'), { activation: 'linear' }), AffineCoupling.SCALE_BIAS) as tf.Tensor2D;
    return { v1, v2, shift, pre };
  }

  forward(p: Tensors, z: tf.Tensor2D) {
    const { v1, v2, shift, pre } = this.parts(p, z);
    const y2 = tf.mul(tf.add(v2, shift), tf.sigmoid(pre)) as tf.Tensor2D;
    // log sigmoid(a) = -softplus(-a)
    const logDet = tf.neg(tf.sum(softplus(tf.neg(pre)), 1));
    return { y: joinColumns(v1, y2), logDet };
  }

  inverse(p: Tensors, y: tf.Tensor2D) {
    const { v1, v2, shift, pre } = this.parts(p, y);
    const z2 = tf.sub(tf.div(v2, tf.sigmoid(pre)), shift) as tf.Tensor2D;
    const logDet = tf.sum(softplus(tf.neg(pre)), 1);
    return { z: joinColumns(v1, z2), logDet };
  }
}
