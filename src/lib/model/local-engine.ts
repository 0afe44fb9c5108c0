import * as tf from '@tensorflow/tfjs';
import { TensorAdam } from './adam.ts';
import type { TrainEngine } from './engine.ts';
import { gatherRows, lossAndGrads } from './gradients.ts';
import { stepNoise } from './noise.ts';
import type { Tensors } from './params.ts';
import { scoreRows, type ScoreOptions } from './score.ts';
import type { AdamSettings } from './train-options.ts';
import type { SgvbModel } from './sgvb-model.ts';

/**
 * Training and scoring in the calling thread, on whatever tfjs backend is active. Parameters and Adam's
 * moments stay on the device; the only reads per step are none: the loss is summed on the device and read
 * when progress asks for it.
 */
export class LocalEngine implements TrainEngine {
  readonly description: string;
  private p: Tensors;
  private adam: TensorAdam;
  private lossSum: tf.Scalar | null = null;
  private steps = 0;

  constructor(
    private readonly model: SgvbModel,
    flat: Float32Array,
    private readonly train: Float32Array,
    private readonly opts: { batchSize: number; seed: number; adam: AdamSettings },
  ) {
    this.p = model.layout.toTensors(flat);
    this.adam = new TensorAdam(opts.adam);
    this.description = `${tf.getBackend()}, calling thread`;
  }

  async epoch(order: Int32Array, lr: number, firstStep: number, onStep?: (done: number) => void): Promise<void> {
    const B = this.opts.batchSize;
    const D = this.model.config.inputDim;
    const Z = this.model.config.zDim;
    const steps = Math.floor(order.length / B);
    this.lossSum?.dispose();
    this.lossSum = tf.scalar(0);
    this.steps = 0;
    for (let s = 0; s < steps; s++) {
      const x = gatherRows(this.train, D, order, s * B, (s + 1) * B);
      const eps = stepNoise(this.opts.seed, firstStep + s, B, Z);
      const old = this.p;
      const { next, sum } = tf.tidy(() => {
        const { loss, grads } = lossAndGrads(this.model, old, tf.tensor2d(x, [B, D]), tf.tensor2d(eps, [B, Z]));
        return { next: this.adam.step(old, grads, lr), sum: tf.add(this.lossSum!, loss) as tf.Scalar };
      });
      for (const name of Object.keys(next)) if (next[name] !== old[name]) old[name].dispose();
      this.p = next;
      this.lossSum.dispose();
      this.lossSum = sum;
      this.steps++;
      onStep?.(s + 1);
    }
  }

  async loss(): Promise<number> {
    if (!this.lossSum || this.steps === 0) return NaN;
    return (await this.lossSum.data())[0] / this.steps;
  }

  async score(x: Float32Array, n: number, opts: ScoreOptions, onRows?: (done: number) => void) {
    return scoreRows(this.model, this.p, x, n, opts, onRows);
  }

  async params(): Promise<Float32Array> {
    const flat = new Float32Array(this.model.layout.size);
    this.model.layout.fromTensors(this.p, flat);
    return flat;
  }

  async setParams(flat: Float32Array): Promise<void> {
    tf.dispose(Object.values(this.p));
    this.p = this.model.layout.toTensors(flat);
  }

  async close(): Promise<void> {
    tf.dispose(Object.values(this.p));
    this.lossSum?.dispose();
    this.adam.dispose();
  }
}
