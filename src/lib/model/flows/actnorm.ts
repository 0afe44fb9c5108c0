import * as tf from '@tensorflow/tfjs';
import type { LayoutBuilder, ParamLayout, Tensors } from '../params.ts';
import type { FlowLayer } from './flow.ts';

/**
 * ActNorm (Kingma & Dhariwal, Glow): y = (z + bias) * exp(logScale), log det = sum(logScale). Initialised from
 * data so that the first batch comes out with zero mean and unit variance per dimension. The map is one
 * operation with its gradient written out (fewer recorded operations per training step).
 */
export class ActNorm implements FlowLayer {
  readonly kind = 'actnorm';
  private fn: ((z: tf.Tensor2D, bias: tf.Tensor, logScale: tf.Tensor) => tf.Tensor2D) | null = null;

  constructor(readonly prefix: string, readonly width: number, readonly varianceFloor = 1e-6) {}

  private get names() {
    return { bias: `${this.prefix}.bias`, logScale: `${this.prefix}.logScale` };
  }

  declare(b: LayoutBuilder): void {
    b.add(this.names.bias, [this.width], 'zeros');
    b.add(this.names.logScale, [this.width], 'zeros');
  }

  initFromData(layout: ParamLayout, flat: Float32Array, z: Float32Array, width: number): void {
    const n = z.length / width;
    const bias = layout.view(flat, this.names.bias);
    const logScale = layout.view(flat, this.names.logScale);
    for (let j = 0; j < width; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += z[i * width + j];
      const mean = s / n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (z[i * width + j] - mean) ** 2;
      bias[j] = -mean;
      logScale[j] = -0.5 * Math.log(Math.max(v / n, this.varianceFloor));
    }
  }

  private map() {
    const body = (z: tf.Tensor2D, bias: tf.Tensor1D, logScale: tf.Tensor1D, save: tf.GradSaveFunc) => {
      const scale = tf.exp(logScale);
      const y = tf.mul(tf.add(z, bias), scale) as tf.Tensor2D;
      save([scale, y]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
          const [s, sy] = saved;
          const dz = tf.mul(dy, s);
          // dy/dbias = scale, dy/dlogScale = y
          return [dz, tf.sum(dz, 0), tf.sum(tf.mul(dy, sy), 0)];
        },
      };
    };
    this.fn ??= tf.customGrad(body as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (z: tf.Tensor2D, bias: tf.Tensor, logScale: tf.Tensor) => tf.Tensor2D;
    return this.fn;
  }

  forward(p: Tensors, z: tf.Tensor2D) {
    const ls = p[this.names.logScale];
    return { y: this.map()(z, p[this.names.bias], ls), logDet: tf.sum(ls) };
  }

  inverse(p: Tensors, y: tf.Tensor2D) {
    const ls = p[this.names.logScale];
    return { z: tf.sub(tf.mul(y, tf.exp(tf.neg(ls))), p[this.names.bias]) as tf.Tensor2D, logDet: tf.neg(tf.sum(ls)) };
  }
}
