import * as tf from '@tensorflow/tfjs';
import { dense, product, softplus } from '../dense.ts';
import type { LayoutBuilder, Tensors } from '../params.ts';
import type { FlowLayer } from './flow.ts';

/**
 * Affine coupling layer (RealNVP) with a sigmoid scale, as the reference code configures it: z = [z1, z2]
 * (first floor(d/2) dimensions, the rest), y1 = z1, y2 = (z2 + shift) * sigmoid(pre + 2), where shift and pre
 * come from a net on z1 with one leaky-ReLU hidden layer; log det = sum(log sigmoid(pre + 2)). The shift and
 * scale layers start at zero, so the layer starts as a fixed scaling by sigmoid(2).
 *
 * The halves are taken and put back with 0/1 selection matrices rather than split / concat, which the wasm
 * backend runs some 20x slower per element than a small matrix product.
 */
export class AffineCoupling implements FlowLayer {
  readonly kind = 'coupling';
  static readonly SCALE_BIAS = 2;
  readonly n1: number;
  readonly n2: number;
  private select: { first: tf.Tensor2D; second: tf.Tensor2D; back: tf.Tensor2D; keep: tf.Tensor1D } | null = null;

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

  private selection() {
    if (!this.select) {
      const { width: d, n1, n2 } = this;
      const first = new Float32Array(d * n1);
      const second = new Float32Array(d * n2);
      const back = new Float32Array(n2 * d);
      const keep = new Float32Array(d);
      for (let i = 0; i < n1; i++) {
        first[i * n1 + i] = 1;
        keep[i] = 1;
      }
      for (let j = 0; j < n2; j++) {
        second[(n1 + j) * n2 + j] = 1;
        back[j * d + n1 + j] = 1;
      }
      this.select = tf.tidy(() => ({
        first: tf.keep(tf.tensor2d(first, [d, n1])),
        second: tf.keep(tf.tensor2d(second, [d, n2])),
        back: tf.keep(tf.tensor2d(back, [n2, d])),
        keep: tf.keep(tf.tensor1d(keep)),
      }));
    }
    return this.select;
  }

  /** z1, z2, shift and the pre-sigmoid scale (bias included) of an input (forward) or output (inverse). */
  private parts(p: Tensors, v: tf.Tensor2D) {
    const s = this.selection();
    const v1 = product(v, s.first);
    const v2 = product(v, s.second);
    const h = dense(v1, p[`${this.prefix}.h.w`], p[`${this.prefix}.h.b`], { activation: 'leaky', alpha: this.alpha });
    const shift = dense(h, p[`${this.prefix}.shift.w`], p[`${this.prefix}.shift.b`], { activation: 'linear' });
    const pre = tf.add(dense(h, p[`${this.prefix}.scale.w`], p[`${this.prefix}.scale.b`], { activation: 'linear' }), AffineCoupling.SCALE_BIAS);
    return { v2, shift, pre, kept: tf.mul(v, s.keep), back: s.back };
  }

  forward(p: Tensors, z: tf.Tensor2D) {
    const { v2, shift, pre, kept, back } = this.parts(p, z);
    const y2 = tf.mul(tf.add(v2, shift), tf.sigmoid(pre)) as tf.Tensor2D;
    // log sigmoid(a) = -softplus(-a)
    const logDet = tf.neg(tf.sum(softplus(tf.neg(pre)), 1));
    return { y: tf.add(kept, product(y2, back)) as tf.Tensor2D, logDet };
  }

  inverse(p: Tensors, y: tf.Tensor2D) {
    const { v2, shift, pre, kept, back } = this.parts(p, y);
    const z2 = tf.sub(tf.div(v2, tf.sigmoid(pre)), shift) as tf.Tensor2D;
    const logDet = tf.sum(softplus(tf.neg(pre)), 1);
    return { z: tf.add(kept, product(z2, back)) as tf.Tensor2D, logDet };
  }
}
