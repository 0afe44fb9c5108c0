import * as tf from '@tensorflow/tfjs';
import type { FitHooks } from '../contracts/detector.ts';
import { TensorAdam } from './adam.ts';
import type { ParamLayout, Tensors } from './params.ts';
import { ADAM } from './train-options.ts';
import { Random } from '../util/random.ts';

/**
 * Minibatch Adam with early stopping for the neural sequence baselines (DeepLog*, Multimodal LSTM): the same
 * Adam as the flow-VAE (src/lib/model/adam.ts, TensorFlow's update with per-parameter clipping), parameters and
 * moments on the device, the validation loss after every epoch, and the best epoch's weights kept.
 */
export interface NetworkTrainOptions {
  /** Upper bound on epochs. */
  epochs: number;
  learningRate: number;
  /** Each parameter's gradient is clipped to this L2 norm. */
  clipNorm: number;
  /** Stop after this many epochs without a better validation loss (0: never stop early). */
  patience: number;
  seed: number;
}

/** What a network offers the loop. `B` is the model's batch type. */
export interface TrainableNetwork<B> {
  readonly layout: ParamLayout;
  /** The batch's mean loss and its gradient with respect to every trainable parameter (called inside tf.tidy). */
  lossAndGrads(p: Tensors, batch: B): { loss: tf.Scalar; grads: Tensors };
  /** Summed loss and summed weight of a batch, for the validation mean (called inside tf.tidy). */
  evaluate(p: Tensors, batch: B): { sum: tf.Scalar; weight: number };
  /** The batch's weight in `rows` (rows or windows per second in progress). */
  rows(batch: B): number;
}

export interface NetworkTrainReport {
  epochs: number;
  bestEpoch: number;
  /** Mean training loss of the last epoch. */
  trainLoss: number;
  bestValidLoss: number;
  /** [epoch, validation loss] per epoch. */
  history: [number, number][];
  seconds: number;
  /** Training rows (windows, sequences) pushed through forward and backward per second. */
  rowsPerSecond: number;
  stoppedEarly: boolean;
}

/**
 * Trains from `initial` (flat, layout order). `batches(rng)` makes one epoch's batches in the order they are
 * to be used (shuffled with `rng`, which the loop forks from the seed, one stream per epoch). Returns the
 * best parameters (flat) and a report; with no validation batches, the last epoch's parameters.
 */
export async function trainNetwork<B>(
  net: TrainableNetwork<B>,
  initial: Float32Array,
  batches: (rng: Random) => B[],
  valid: B[],
  opts: NetworkTrainOptions,
  hooks?: FitHooks,
): Promise<{ params: Float32Array; report: NetworkTrainReport }> {
  const layout = net.layout;
  let p = layout.toTensors(initial);
  const adam = new TensorAdam({ ...ADAM, clipNorm: opts.clipNorm });
  const rng = new Random(opts.seed).fork(0x7ea1);
  const started = performance.now();
  let rows = 0;
  let best = Infinity;
  let bestEpoch = 0;
  let bestParams: Float32Array | null = null;
  let bad = 0;
  let epoch = 0;
  let trainLoss = NaN;
  let stoppedEarly = false;
  const history: [number, number][] = [];
  try {
    for (epoch = 1; epoch <= opts.epochs; epoch++) {
      const list = batches(rng.fork(epoch));
      let lossSum: tf.Scalar = tf.scalar(0);
      for (const batch of list) {
        const old = p;
        const { next, sum } = tf.tidy(() => {
          const { loss, grads } = net.lossAndGrads(old, batch);
          return { next: adam.step(old, grads, opts.learningRate), sum: tf.add(lossSum, loss) as tf.Scalar };
        });
        for (const name of Object.keys(next)) if (next[name] !== old[name]) old[name].dispose();
        p = next;
        lossSum.dispose();
        lossSum = sum;
        rows += net.rows(batch);
      }
      trainLoss = list.length > 0 ? (await lossSum.data())[0] / list.length : NaN;
      lossSum.dispose();
      const validLoss = valid.length > 0 ? await meanLoss(net, p, valid) : NaN;
      if (!Number.isNaN(validLoss)) {
        history.push([epoch, validLoss]);
        if (validLoss < best) {
          best = validLoss;
          bestEpoch = epoch;
          bestParams = snapshot(layout, p);
          bad = 0;
        } else if (opts.patience > 0 && ++bad >= opts.patience) {
          stoppedEarly = true;
        }
      }
      const seconds = (performance.now() - started) / 1000;
      const metrics: Record<string, number> = { epoch, loss: trainLoss, rowsPerSec: rows / seconds };
      if (!Number.isNaN(validLoss)) metrics.validLoss = validLoss;
      hooks?.progress?.({ phase: 'train', done: epoch, total: opts.epochs, unit: 'epochs', metrics });
      if (stoppedEarly) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const epochs = Math.min(epoch, opts.epochs);
    return {
      params: bestParams ?? snapshot(layout, p),
      report: { epochs, bestEpoch: bestParams ? bestEpoch : epochs, trainLoss, bestValidLoss: best, history, seconds, rowsPerSecond: rows / seconds, stoppedEarly },
    };
  } finally {
    tf.dispose(Object.values(p));
    adam.dispose();
  }
}

/** The weighted mean loss over batches. */
export async function meanLoss<B>(net: TrainableNetwork<B>, p: Tensors, batches: B[]): Promise<number> {
  let sum = 0;
  let weight = 0;
  for (const batch of batches) {
    const r = tf.tidy(() => {
      const { sum: s, weight: w } = net.evaluate(p, batch);
      return { s: tf.keep(s), w };
    });
    sum += (await r.s.data())[0];
    r.s.dispose();
    weight += r.w;
  }
  return weight > 0 ? sum / weight : NaN;
}

function snapshot(layout: ParamLayout, p: Tensors): Float32Array {
  const flat = new Float32Array(layout.size);
  layout.fromTensors(p, flat);
  return flat;
}

/** Splits 0..n-1 into a seeded validation part (a `fraction` of n, none when n < 20) and the rest. */
export function validationSplit(n: number, fraction: number, seed: number): { train: Int32Array; valid: Int32Array } {
  const order = new Random(seed).fork(0x5e1).permutation(n);
  const nValid = n >= 20 ? Math.round(n * fraction) : 0;
  return { valid: order.slice(0, nValid).sort(), train: order.slice(nValid).sort() };
}

/** Consecutive chunks of `size` items (the last may be shorter). */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
