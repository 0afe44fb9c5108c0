import * as tf from '@tensorflow/tfjs';
import { joinColumns, MANY_ROWS, selectColumns, selector, takeColumns } from '../columns.ts';
import { columnSums, dense, leakyRelu, rowSums, softplus } from '../dense.ts';
import type { LayoutBuilder, Tensors } from '../params.ts';
import type { FlowLayer } from './flow.ts';

const NAMES = ['h.w', 'h.b', 'shift.w', 'shift.b', 'scale.w', 'scale.b'] as const;

/**
 * Affine coupling layer (RealNVP) with a sigmoid scale, as the reference code configures it: z = [z1, z2]
 * (first floor(d/2) dimensions, the rest), y1 = z1, y2 = (z2 + shift) * sigmoid(pre + 2), where shift and pre
 * come from a net on z1 with one leaky-ReLU hidden layer; log det = sum(log sigmoid(pre + 2)). The shift and
 * scale layers start at zero, so the layer starts as a fixed scaling by sigmoid(2).
 *
 * For training batches the forward pass is one operation with a hand-written gradient (`fused`): tfjs would
 * otherwise record some 25 small operations per layer, clone their inputs and replay them, which costs more
 * than the arithmetic on a batch of 128 latent vectors.
 */
export class AffineCoupling implements FlowLayer {
  readonly kind = 'coupling';
  static readonly SCALE_BIAS = 2;
  readonly n1: number;
  readonly n2: number;
  private fusedFn: ((...t: tf.Tensor[]) => tf.Tensor2D) | null = null;

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

  forward(p: Tensors, z: tf.Tensor2D, fused = z.shape[0] < MANY_ROWS) {
    if (fused) {
      const out = this.fused()(z, ...NAMES.map((k) => p[`${this.prefix}.${k}`]));
      return { y: selectColumns(out, 0, this.width), logDet: tf.reshape(selectColumns(out, this.width, 1), [-1]) };
    }
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

  /**
   * [y, log det] as one [n, d + 1] tensor, with the gradient written out (tf.customGrad). On wasm every product
   * repacks its right operand when that is a new tensor (some 3.5 ns an element), so the products are arranged
   * with the fresh [n, hidden] matrices on the left and small or constant matrices on the right; columns are
   * taken and placed with constant 0/1 matrices, which costs less than tf.slice / tf.concat on these shapes.
   */
  private fused(): (...t: tf.Tensor[]) => tf.Tensor2D {
    const { n1, n2, width, alpha } = this;
    const body = (z: tf.Tensor2D, wh: tf.Tensor2D, bh: tf.Tensor1D, ws: tf.Tensor2D, bs: tf.Tensor1D, wc: tf.Tensor2D, bc: tf.Tensor1D, save: tf.GradSaveFunc) => {
      const z1 = tf.matMul(z, selector(width, 0, n1, false));
      const z2 = tf.matMul(z, selector(width, n1, n2, false));
      const h = leakyRelu(tf.add(tf.matMul(z1, wh), bh), alpha) as tf.Tensor2D;
      const shift = tf.add(tf.matMul(h, ws), bs);
      const pre = tf.add(tf.matMul(h, wc), tf.add(bc, AffineCoupling.SCALE_BIAS));
      const s = tf.sigmoid(pre);
      const y2 = tf.mul(tf.add(z2, shift), s);
      const logDet = tf.neg(tf.sum(softplus(tf.neg(pre)), 1, true));
      save([z1, h, s, y2, wh, ws, wc]);
      return {
        value: tf.concat([z1, y2, logDet], 1) as tf.Tensor2D,
        gradFunc: (dOut: tf.Tensor2D, saved: tf.Tensor[]) => {
          const [sz1, sh, ss, sy2, swh, sws, swc] = saved as tf.Tensor2D[];
          const dy1 = tf.matMul(dOut, selector(width + 1, 0, n1, false));
          const dy2 = tf.matMul(dOut, selector(width + 1, n1, n2, false));
          const dl = tf.matMul(dOut, selector(width + 1, width, 1, false));
          // d log sigmoid(pre) / d pre = 1 - s; d y2 / d pre = y2 (1 - s)
          const dpre = tf.mul(tf.sub(1, ss), tf.add(tf.mul(dy2, sy2), dl)) as tf.Tensor2D;
          const dshift = tf.mul(dy2, ss) as tf.Tensor2D;
          const dh = tf.add(tf.matMul(dshift, tf.transpose(sws)), tf.matMul(dpre, tf.transpose(swc)));
          const hT = tf.transpose(sh) as tf.Tensor2D;
          const da = tf.mul(dh, tf.step(sh, alpha)) as tf.Tensor2D;
          const daT = tf.transpose(da) as tf.Tensor2D;
          const dz1 = tf.add(tf.matMul(da, tf.transpose(swh)), dy1) as tf.Tensor2D;
          return [
            tf.add(tf.matMul(dz1, selector(width, 0, n1, true)), tf.matMul(dshift, selector(width, n1, n2, true))),
            tf.transpose(tf.matMul(daT, sz1)),
            rowSums(daT),
            tf.matMul(hT, dshift),
            columnSums(dshift),
            tf.matMul(hT, dpre),
            columnSums(dpre),
          ];
        },
      };
    };
    this.fusedFn ??= tf.customGrad(body as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...t: tf.Tensor[]) => tf.Tensor2D;
    return this.fusedFn;
  }
}
