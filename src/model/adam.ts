import * as tf from '@tensorflow/tfjs';
import type { AdamSettings } from './train-options.ts';
import type { ParamLayout, Tensors } from './params.ts';

/**
 * Adam as TensorFlow implements it (lr_t = lr sqrt(1 - b2^t) / (1 - b1^t); theta -= lr_t m / (sqrt(v) + eps)),
 * after clipping each parameter's gradient to norm `clipNorm` (tf.clip_by_norm, as the reference code does).
 * Two implementations of the same update: FlatAdam on host arrays (the wasm workers, which exchange gradients
 * through shared memory anyway) and TensorAdam on tensors (GPU and native backends: no host round trip).
 */
function stepSize(lr: number, s: AdamSettings, t: number): number {
  return (lr * Math.sqrt(1 - s.beta2 ** t)) / (1 - s.beta1 ** t);
}

/** The trainable parameters, laid out one after another: the gradient vector of FlatAdam and of the workers. */
export class GradientLayout {
  readonly segments: { name: string; paramOffset: number; offset: number; size: number; shape: number[]; decay: boolean }[] = [];
  readonly size: number;
  constructor(layout: ParamLayout) {
    let off = 0;
    for (const s of layout.trainable) {
      const size = s.shape.reduce((a, b) => a * b, 1);
      this.segments.push({ name: s.name, paramOffset: layout.offsets.get(s.name)!, offset: off, size, shape: s.shape, decay: s.decay });
      off += size;
    }
    this.size = off;
  }
}

/**
 * Adam on host arrays. With `l2` > 0 it also owns the L2 penalty `l2 * sum(w^2) / 2` of the parameters marked
 * `decay` (the gradient it is given is then that of the data term only): it adds `l2 * w` to their gradient
 * before clipping, as TensorFlow would for a loss that includes the penalty, and returns the penalty's value.
 * The wasm workers work this way: the penalty's forward and backward passes over the large kernels cost some 8%
 * of a training step as tensor operations and little in the loop that updates the same values anyway.
 */
export class FlatAdam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private readonly g: Float32Array;
  private t = 0;
  /** `segments`: the indexes (into grads.segments) this instance updates; all by default. */
  constructor(
    private readonly grads: GradientLayout,
    private readonly s: AdamSettings,
    private readonly segments = grads.segments.map((_, i) => i),
    private readonly l2 = 0,
  ) {
    this.m = new Float32Array(grads.size);
    this.v = new Float32Array(grads.size);
    this.g = new Float32Array(grads.size);
  }

  /** Updates `params` (the full flat parameter vector) in place from `g` (GradientLayout order); returns the L2 penalty (0 without `l2`). */
  step(params: Float32Array, g: Float32Array, lr: number): number {
    return this.stepSum(params, [g], lr);
  }

  /**
   * The same update from the sum of several gradients (the workers' shares, summed in the given order), for this
   * instance's segments only. Returns the L2 penalty of those segments' parameters before the update.
   */
  stepSum(params: Float32Array, parts: readonly Float32Array[], lr: number): number {
    this.t++;
    const { beta1, beta2, epsilon, clipNorm } = this.s;
    const a = stepSize(lr, this.s, this.t);
    const c1 = 1 - beta1;
    const c2 = 1 - beta2;
    const { m, v, g, l2 } = this;
    let penalty = 0;
    for (const index of this.segments) {
      const seg = this.grads.segments[index];
      const start = seg.offset;
      const end = start + seg.size;
      const shift = seg.paramOffset - start;
      g.set(parts[0].subarray(start, end), start);
      for (let w = 1; w < parts.length; w++) {
        const part = parts[w];
        for (let j = start; j < end; j++) g[j] += part[j];
      }
      let sq = 0;
      if (seg.decay && l2 > 0) {
        let ww = 0;
        for (let j = start; j < end; j++) {
          const wj = params[j + shift];
          ww += wj * wj;
          const gj = g[j] + l2 * wj;
          g[j] = gj;
          sq += gj * gj;
        }
        penalty += 0.5 * l2 * ww;
      } else {
        for (let j = start; j < end; j++) sq += g[j] * g[j];
      }
      const norm = Math.sqrt(sq);
      const k = norm > clipNorm ? clipNorm / norm : 1;
      for (let j = start; j < end; j++) {
        const gj = g[j] * k;
        const mj = beta1 * m[j] + c1 * gj;
        const vj = beta2 * v[j] + c2 * gj * gj;
        m[j] = mj;
        v[j] = vj;
        params[j + shift] -= (a * mj) / (Math.sqrt(vj) + epsilon);
      }
    }
    return penalty;
  }
}

/** Splits the segments among `parts` workers, largest first to the least loaded (each part's share of the update). */
export function partitionSegments(grads: GradientLayout, parts: number): number[][] {
  const out: number[][] = Array.from({ length: parts }, () => []);
  const load = new Array<number>(parts).fill(0);
  const bySize = grads.segments.map((s, i) => [s.size, i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [size, i] of bySize) {
    const w = load.indexOf(Math.min(...load));
    out[w].push(i);
    load[w] += size;
  }
  for (const p of out) p.sort((a, b) => a - b);
  return out;
}

export class TensorAdam {
  private readonly m: Tensors = {};
  private readonly v: Tensors = {};
  private t = 0;
  constructor(private readonly s: AdamSettings) {}

  /** Returns the updated parameters (new tensors for the trainable ones; the caller disposes the old ones). */
  step(params: Tensors, grads: Tensors, lr: number): Tensors {
    this.t++;
    const { beta1, beta2, epsilon, clipNorm } = this.s;
    const a = stepSize(lr, this.s, this.t);
    const out: Tensors = { ...params };
    for (const [name, g0] of Object.entries(grads)) {
      const [next, m, v] = tf.tidy(() => {
        const norm = tf.norm(g0);
        const g = tf.mul(g0, tf.div(clipNorm, tf.maximum(norm, clipNorm)));
        const m = this.m[name] ? tf.add(tf.mul(this.m[name], beta1), tf.mul(g, 1 - beta1)) : tf.mul(g, 1 - beta1);
        const v = this.v[name] ? tf.add(tf.mul(this.v[name], beta2), tf.mul(tf.square(g), 1 - beta2)) : tf.mul(tf.square(g), 1 - beta2);
        return [tf.sub(params[name], tf.div(tf.mul(m, a), tf.add(tf.sqrt(v), epsilon))), m, v];
      });
      this.m[name]?.dispose();
      this.v[name]?.dispose();
      // kept: callers run this inside their own tidy(), which would otherwise dispose the moments
      this.m[name] = tf.keep(m);
      this.v[name] = tf.keep(v);
      out[name] = next;
    }
    return out;
  }

  dispose(): void {
    tf.dispose([...Object.values(this.m), ...Object.values(this.v)]);
  }
}
