import * as tf from '@tensorflow/tfjs';
import { LuDecomposition, Matrix, QrDecomposition, inverse } from 'ml-matrix';
import { product } from '../dense.ts';
import type { LayoutBuilder, ParamLayout, Tensors } from '../params.ts';
import type { Random } from '../../util/random.ts';
import type { FlowLayer } from './flow.ts';

/**
 * Invertible dense layer (Glow's invertible 1x1 convolution on a vector), y = z W, with W kept invertible by
 * its LU form (the reference code's `strict_invertible`): W = P (L + I) (U + diag(sign * exp(logS))) with L
 * strictly lower and U strictly upper triangular, P a fixed permutation and sign fixed; log|det W| = sum(logS).
 * W starts as a random orthogonal matrix.
 */
export class InvertibleDense implements FlowLayer {
  readonly kind = 'invertible-dense';
  private masks: { lower: tf.Tensor2D; upper: tf.Tensor2D; eye: tf.Tensor2D } | null = null;

  constructor(readonly prefix: string, readonly width: number) {}

  private n(k: 'perm' | 'sign' | 'lower' | 'upper' | 'logS'): string {
    return `${this.prefix}.${k}`;
  }

  declare(b: LayoutBuilder): void {
    const d = this.width;
    b.add(this.n('perm'), [d, d], 'layer', { trainable: false });
    b.add(this.n('sign'), [d], 'layer', { trainable: false });
    b.add(this.n('lower'), [d, d], 'layer');
    b.add(this.n('upper'), [d, d], 'layer');
    b.add(this.n('logS'), [d], 'layer');
  }

  init(layout: ParamLayout, flat: Float32Array, rng: Random): void {
    const d = this.width;
    const g = Matrix.zeros(d, d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) g.set(i, j, rng.normal());
    const q = new QrDecomposition(g).orthogonalMatrix;
    const lu = new LuDecomposition(q);
    const piv = lu.pivotPermutationVector; // q[piv[i], :] = (L U)[i, :], so q = P L U with P[piv[i], i] = 1
    const L = lu.lowerTriangularMatrix;
    const U = lu.upperTriangularMatrix;
    const perm = layout.view(flat, this.n('perm'));
    const sign = layout.view(flat, this.n('sign'));
    const lower = layout.view(flat, this.n('lower'));
    const upper = layout.view(flat, this.n('upper'));
    const logS = layout.view(flat, this.n('logS'));
    perm.fill(0);
    for (let i = 0; i < d; i++) perm[piv[i] * d + i] = 1;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        lower[i * d + j] = j < i ? L.get(i, j) : 0;
        upper[i * d + j] = j > i ? U.get(i, j) : 0;
      }
      const s = U.get(i, i);
      sign[i] = s < 0 ? -1 : 1;
      logS[i] = Math.log(Math.abs(s));
    }
  }

  private getMasks() {
    if (!this.masks) {
      const d = this.width;
      this.masks = tf.tidy(() => {
        const eye = tf.eye(d) as tf.Tensor2D;
        const lowerInc = tf.linalg.bandPart(tf.ones([d, d]), -1, 0);
        const lower = tf.sub(lowerInc, eye) as tf.Tensor2D;
        const upper = tf.sub(tf.ones([d, d]), lowerInc) as tf.Tensor2D;
        return { lower: tf.keep(lower), upper: tf.keep(upper), eye: tf.keep(eye) };
      });
    }
    return this.masks;
  }

  /** The matrix W from the parameters (taped: for inverse() and tests). */
  matrix(p: Tensors): tf.Tensor2D {
    const m = this.getMasks();
    const l = tf.add(tf.mul(p[this.n('lower')], m.lower), m.eye) as tf.Tensor2D;
    const diag = tf.mul(m.eye, tf.mul(p[this.n('sign')], tf.exp(p[this.n('logS')])));
    const u = tf.add(tf.mul(p[this.n('upper')], m.upper), diag) as tf.Tensor2D;
    return product(product(p[this.n('perm')] as tf.Tensor2D, l), u);
  }

  /**
   * y = z W as one operation with its gradient written out (W = P L' U', L' = L * lowerMask + I,
   * U' = U * upperMask + diag(sign * exp(logS))): tfjs would otherwise record a dozen small operations per layer.
   */
  forward(p: Tensors, z: tf.Tensor2D) {
    const m = this.getMasks();
    const perm = p[this.n('perm')] as tf.Tensor2D;
    const sign = p[this.n('sign')];
    const body = (zz: tf.Tensor2D, lower: tf.Tensor2D, upper: tf.Tensor2D, logS: tf.Tensor1D, save: tf.GradSaveFunc) => {
      const l = tf.add(tf.mul(lower, m.lower), m.eye) as tf.Tensor2D;
      const s = tf.mul(sign, tf.exp(logS));
      const u = tf.add(tf.mul(upper, m.upper), tf.mul(m.eye, s)) as tf.Tensor2D;
      const a = tf.matMul(perm, l);
      const w = tf.matMul(a, u);
      save([zz, a, u, w, s]);
      return {
        value: tf.matMul(zz, w),
        gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
          const [sz, sa, su, sw, ss] = saved as tf.Tensor2D[];
          const dw = tf.matMul(tf.transpose(sz), dy);
          const du = tf.matMul(tf.transpose(sa), dw);
          const dl = tf.matMul(tf.transpose(perm), tf.matMul(dw, tf.transpose(su)));
          // d logS_i = dU'_ii * sign_i * exp(logS_i)
          const dlogS = tf.mul(tf.sum(tf.mul(du, m.eye), 0), ss);
          return [tf.matMul(dy, tf.transpose(sw)), tf.mul(dl, m.lower), tf.mul(du, m.upper), dlogS];
        },
      };
    };
    const f = tf.customGrad(body as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...t: tf.Tensor[]) => tf.Tensor2D;
    return { y: f(z, p[this.n('lower')], p[this.n('upper')], p[this.n('logS')]), logDet: tf.sum(p[this.n('logS')]) };
  }

  inverse(p: Tensors, y: tf.Tensor2D) {
    const w = this.matrix(p);
    const d = this.width;
    const values = w.dataSync();
    const inv = inverse(new Matrix(Array.from({ length: d }, (_, i) => Array.from(values.subarray(i * d, (i + 1) * d)))));
    return { z: tf.matMul(y, tf.tensor2d(inv.to2DArray())) as tf.Tensor2D, logDet: tf.neg(tf.sum(p[this.n('logS')])) };
  }
}
