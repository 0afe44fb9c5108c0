import * as tf from '@tensorflow/tfjs';
import type { AdamSettings } from './train-options.ts';
import type { ParamLayout, Tensors } from './params.ts';
import { ADAM_WASM_BASE64 } from './kernel/adam-wasm.ts';
import { instantiate, KernelArena, type KernelMemory } from './kernel/instance.ts';

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

/** The exports of kernel/adam.c (pointers are byte offsets into `memory`). */
interface AdamKernel extends KernelMemory {
  adam_norm(len: number, p0: number, p1: number, w: number, decay: number, ww: number): number;
  adam_update(len: number, p0: number, p1: number, w: number, m: number, v: number, decay: number, k: number, a: number, beta1: number, c1: number, beta2: number, c2: number, eps: number): void;
}

/** The element-wise sum of several gradients, rounded to float32 after each addition. */
function sumShares(parts: readonly Float32Array[]): Float32Array {
  const out = parts[0].slice();
  for (let w = 1; w < parts.length; w++) {
    const part = parts[w];
    for (let j = 0; j < out.length; j++) out[j] += part[j];
  }
  return out;
}

/**
 * Adam on host arrays. With `l2` > 0 it also owns the L2 penalty `l2 * sum(w^2) / 2` of the parameters marked
 * `decay` (the gradient it is given is then that of the data term only): it adds `l2 * w` to their gradient
 * before clipping, as TensorFlow would for a loss that includes the penalty, and returns the penalty's value.
 * The wasm workers work this way: the penalty's forward and backward passes over the large kernels cost some 8%
 * of a training step as tensor operations and little in the loop that updates the same values anyway.
 * The arithmetic runs in a WebAssembly kernel (kernel/adam.c: float64 on float32 storage, the update two
 * parameters at a time), which keeps the moments in its memory; each step copies a segment's shares and
 * parameters in and the parameters back.
 */
export class FlatAdam {
  private readonly kernel: AdamKernel;
  private readonly arena: KernelArena;
  /** Byte offsets of each updated segment's moments in the kernel's memory (index into grads.segments -> offsets). */
  private readonly moments = new Map<number, { m: number; v: number }>();
  /** Scratch for one segment: the two shares, the parameters, and the float64 sum of squared parameters. */
  private readonly at: { p0: number; p1: number; w: number; ww: number };
  private t = 0;
  /** `segments`: the indexes (into grads.segments) this instance updates; all by default. */
  constructor(
    private readonly grads: GradientLayout,
    private readonly s: AdamSettings,
    private readonly segments = grads.segments.map((_, i) => i),
    private readonly l2 = 0,
  ) {
    const largest = Math.max(0, ...segments.map((i) => grads.segments[i].size));
    this.kernel = instantiate<AdamKernel>(ADAM_WASM_BASE64);
    const placed = KernelArena.fit(this.kernel, (take) => ({
      moments: segments.map((i) => ({ m: take(grads.segments[i].size), v: take(grads.segments[i].size) })),
      scratch: { p0: take(largest), p1: take(largest), w: take(largest), ww: take(2) },
    }));
    this.arena = placed.arena;
    segments.forEach((i, k) => this.moments.set(i, placed.at.moments[k]));
    this.at = placed.at.scratch;
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
    const [p0, p1] = parts.length > 2 ? [sumShares(parts)] : parts;
    const { kernel, at } = this;
    const f = this.arena.floats;
    let penalty = 0;
    for (const index of this.segments) {
      const seg = this.grads.segments[index];
      const { m, v } = this.moments.get(index)!;
      f.set(p0.subarray(seg.offset, seg.offset + seg.size), at.p0 >> 2);
      if (p1) f.set(p1.subarray(seg.offset, seg.offset + seg.size), at.p1 >> 2);
      f.set(params.subarray(seg.paramOffset, seg.paramOffset + seg.size), at.w >> 2);
      const decay = seg.decay && this.l2 > 0 ? this.l2 : 0;
      const sq = kernel.adam_norm(seg.size, at.p0, p1 ? at.p1 : 0, at.w, decay, at.ww);
      penalty += 0.5 * decay * new Float64Array(kernel.memory.buffer, at.ww, 1)[0];
      const norm = Math.sqrt(sq);
      const k = norm > clipNorm ? clipNorm / norm : 1;
      kernel.adam_update(seg.size, at.p0, p1 ? at.p1 : 0, at.w, m, v, decay, k, a, beta1, 1 - beta1, beta2, 1 - beta2, epsilon);
      params.set(f.subarray(at.w >> 2, (at.w >> 2) + seg.size), seg.paramOffset);
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
