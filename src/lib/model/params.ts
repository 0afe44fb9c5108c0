import * as tf from '@tensorflow/tfjs';
import type { Random } from '../util/random.ts';

/** How a parameter starts: Glorot (truncated) normal for dense kernels, zeros, or set by its layer afterwards. */
export type ParamInit = 'glorot' | 'zeros' | 'layer';

export interface ParamSpec {
  name: string;
  shape: number[];
  init: ParamInit;
  /** L2-regularised (the dense kernels of hidden layers, as in the reference code). */
  decay: boolean;
  /** Fixed parameters (an invertible dense layer's permutation and signs) get no gradient. */
  trainable: boolean;
}

/** Parameters by name, as tensors: what every model function reads. */
export type Tensors = Record<string, tf.Tensor>;

/** Collects the parameters of a model's parts in declaration order. */
export class LayoutBuilder {
  readonly specs: ParamSpec[] = [];
  add(name: string, shape: number[], init: ParamInit, opts: { decay?: boolean; trainable?: boolean } = {}): string {
    if (this.specs.some((s) => s.name === name)) throw new Error(`parameter ${name} declared twice`);
    this.specs.push({ name, shape, init, decay: opts.decay ?? false, trainable: opts.trainable ?? true });
    return name;
  }
}

const sizeOf = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Where each parameter sits in one flat Float32Array. */
export class ParamLayout {
  readonly offsets = new Map<string, number>();
  readonly size: number;
  constructor(readonly specs: readonly ParamSpec[]) {
    let off = 0;
    for (const s of specs) {
      this.offsets.set(s.name, off);
      off += sizeOf(s.shape);
    }
    this.size = off;
  }
  spec(name: string): ParamSpec {
    const s = this.specs.find((p) => p.name === name);
    if (!s) throw new Error(`no parameter ${name}`);
    return s;
  }
  /** The values of one parameter inside `flat` (a view, not a copy). */
  view(flat: Float32Array, name: string): Float32Array {
    const off = this.offsets.get(name);
    if (off === undefined) throw new Error(`no parameter ${name}`);
    return flat.subarray(off, off + sizeOf(this.spec(name).shape));
  }
  get trainable(): ParamSpec[] {
    return this.specs.filter((s) => s.trainable);
  }
  /** The parameters as tensors (copies of `flat`); the caller disposes them. */
  toTensors(flat: Float32Array): Tensors {
    const out: Tensors = {};
    for (const s of this.specs) out[s.name] = tf.tensor(this.view(flat, s.name), s.shape, 'float32');
    return out;
  }
  /** Writes tensors back into `flat`. */
  fromTensors(t: Tensors, flat: Float32Array): void {
    for (const s of this.specs) if (t[s.name]) this.view(flat, s.name).set(t[s.name].dataSync() as Float32Array);
  }
  /** Default initial values: Glorot truncated normal kernels, zeros elsewhere (layers set their 'layer' ones). */
  initialValues(rng: Random): Float32Array {
    const flat = new Float32Array(this.size);
    for (const s of this.specs) if (s.init === 'glorot') glorotNormal(this.view(flat, s.name), s.shape, rng);
    return flat;
  }
}

/** L2 penalty on the parameters marked `decay`: l2 * sum(w^2) / 2 (TensorFlow's l2_loss). */
export function l2Penalty(layout: ParamLayout, p: Tensors, l2: number): tf.Scalar {
  const terms = layout.specs.filter((s) => s.decay).map((s) => tf.sum(tf.square(p[s.name])));
  return tf.mul(tf.addN(terms), 0.5 * l2) as tf.Scalar;
}

/** Glorot normal as TensorFlow draws it: a normal truncated at 2 std, scaled so the variance is 2 / (fan_in + fan_out). */
export function glorotNormal(out: Float32Array, shape: number[], rng: Random): void {
  const fanIn = shape.length > 1 ? shape[0] : 1;
  const fanOut = shape[shape.length - 1];
  const std = Math.sqrt(2 / (fanIn + fanOut)) / 0.87962566103423978;
  for (let i = 0; i < out.length; i++) {
    let v: number;
    do v = rng.normal();
    while (Math.abs(v) > 2);
    out[i] = v * std;
  }
}
