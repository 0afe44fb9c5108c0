import * as tf from '@tensorflow/tfjs';
import type { LayoutBuilder, ParamLayout, Tensors } from '../params.ts';
import type { Random } from '../../util/random.ts';
import type { FlowLayer } from './flow.ts';

/**
 * Planar flow (Rezende & Mohamed 2015): y = z + u_hat tanh(w.z + b), with u_hat = u + (m(w.u) - w.u) w / |w|^2
 * and m(a) = -1 + softplus(a), which keeps w.u_hat > -1 and the map invertible; log det = log|1 + (1 - tanh^2) w.u_hat|.
 * w and u start as N(0, 0.01^2), b at 0, as in the reference code.
 */
export class PlanarFlow implements FlowLayer {
  readonly kind = 'planar';
  constructor(readonly prefix: string, readonly width: number, readonly newtonSteps = 60) {}

  declare(b: LayoutBuilder): void {
    b.add(`${this.prefix}.w`, [1, this.width], 'layer');
    b.add(`${this.prefix}.b`, [1], 'zeros');
    b.add(`${this.prefix}.u`, [1, this.width], 'layer');
  }

  init(layout: ParamLayout, flat: Float32Array, rng: Random): void {
    for (const k of ['w', 'u']) {
      const v = layout.view(flat, `${this.prefix}.${k}`);
      for (let i = 0; i < v.length; i++) v[i] = 0.01 * rng.normal();
    }
  }

  private parts(p: Tensors) {
    const w = p[`${this.prefix}.w`] as tf.Tensor2D;
    const u = p[`${this.prefix}.u`] as tf.Tensor2D;
    const wu = tf.sum(tf.mul(w, u));
    const uHat = tf.add(u, tf.mul(tf.div(tf.sub(tf.sub(tf.softplus(wu), 1), wu), tf.sum(tf.square(w))), w));
    return { w, b: p[`${this.prefix}.b`], uHat };
  }

  forward(p: Tensors, z: tf.Tensor2D) {
    const { w, b, uHat } = this.parts(p);
    const t = tf.tanh(tf.add(tf.sum(tf.mul(z, w), 1, true), b)); // [n, 1]
    const y = tf.add(z, tf.mul(t, uHat)) as tf.Tensor2D;
    const wuHat = tf.sum(tf.mul(w, uHat));
    const logDet = tf.log(tf.abs(tf.add(1, tf.mul(tf.sub(1, tf.square(t)), wuHat)))).reshape([-1]);
    return { y, logDet };
  }

  /** Solves w.y = a + (w.u_hat) tanh(a + b) for a = w.z by Newton's method (monotone in a), then z = y - u_hat tanh(a + b). */
  inverse(p: Tensors, y: tf.Tensor2D) {
    const { w, b, uHat } = this.parts(p);
    const c = tf.sum(tf.mul(w, uHat));
    const target = tf.sum(tf.mul(y, w), 1, true);
    let a = target;
    for (let i = 0; i < this.newtonSteps; i++) {
      const th = tf.tanh(tf.add(a, b));
      const f = tf.sub(tf.add(a, tf.mul(c, th)), target);
      const df = tf.add(1, tf.mul(c, tf.sub(1, tf.square(th))));
      a = tf.sub(a, tf.div(f, df));
    }
    const t = tf.tanh(tf.add(a, b));
    const z = tf.sub(y, tf.mul(t, uHat)) as tf.Tensor2D;
    const logDet = tf.neg(tf.log(tf.abs(tf.add(1, tf.mul(tf.sub(1, tf.square(t)), c))))).reshape([-1]);
    return { z, logDet };
  }
}
