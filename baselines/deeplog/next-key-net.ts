import * as tf from '@tensorflow/tfjs';
import { declareLstm, initLstm, LstmWeights, lstmBackward, lstmForward, type LstmGrads } from '../../src/lib/model/lstm.ts';
import { columnSums, oneHot, softmaxCrossEntropy } from '../../src/lib/model/wasm-ops.ts';
import { glorotNormal, LayoutBuilder, ParamLayout, type Tensors } from '../../src/lib/model/params.ts';
import type { Random } from '../../src/lib/util/random.ts';
import type { TrainableNetwork } from '../../src/lib/model/network-training.ts';

/**
 * DeepLog's log key model (Du et al., CCS'17; spec 3.2 step 3): one-hot keys of a window of h -> stacked
 * LSTMs -> the last step's state -> dense -> softmax over the key vocabulary. Trained with cross-entropy on
 * the next key; forward and backward are explicit (src/lib/model/lstm.ts), the output layer's product transposed
 * explicitly.
 */
export interface NextKeyConfig {
  /** Key ids 0..vocab-1 (reserved ones included). */
  vocab: number;
  /** h, the window length. */
  window: number;
  /** Units of each LSTM layer, bottom first. */
  hidden: number[];
}

/**
 * Distinct (window, next key) pairs with how often each occurred: `windows` row-major, `window` ids per row.
 * Training on them with count weights has the same loss and full-batch gradient as training on every pair.
 */
export interface WindowBatch {
  windows: Int32Array;
  targets: Int32Array;
  weights: Float32Array;
  rows: number;
}

export class NextKeyNet implements TrainableNetwork<WindowBatch> {
  readonly layout: ParamLayout;

  constructor(readonly config: NextKeyConfig) {
    const b = new LayoutBuilder();
    let width = config.vocab;
    config.hidden.forEach((units, l) => {
      declareLstm(b, `lstm${l}`, width, units);
      width = units;
    });
    b.add('out.w', [width, config.vocab], 'glorot');
    b.add('out.b', [config.vocab], 'zeros');
    this.layout = new ParamLayout(b.specs);
  }

  initialParams(rng: Random): Float32Array {
    const flat = new Float32Array(this.layout.size);
    let width = this.config.vocab;
    this.config.hidden.forEach((units, l) => {
      initLstm(this.layout, flat, `lstm${l}`, width, units, rng);
      width = units;
    });
    glorotNormal(this.layout.view(flat, 'out.w'), [width, this.config.vocab], rng);
    return flat;
  }

  /** The ids of each step of the windows. */
  private stepIds(windows: Int32Array, rows: number): Int32Array[] {
    const h = this.config.window;
    return Array.from({ length: h }, (_, t) => {
      const ids = new Int32Array(rows);
      for (let r = 0; r < rows; r++) ids[r] = windows[r * h + t];
      return ids;
    });
  }

  /** Logits [rows, vocab] of the next key; with `tape`, what the backward pass needs. */
  private forward(p: Tensors, windows: Int32Array, rows: number, tape: boolean) {
    const layers = this.config.hidden.map((_, l) => new LstmWeights(p[`lstm${l}.w`] as tf.Tensor2D, p[`lstm${l}.b`] as tf.Tensor1D));
    const ids = this.stepIds(windows, rows);
    let xs = ids.map((step) => [oneHot(step, this.config.vocab)]);
    const runs: ReturnType<typeof lstmForward>[] = [];
    for (const lw of layers) {
      const run = lstmForward(lw, xs, tape);
      if (!tape) tf.dispose(xs.flat());
      runs.push(run);
      xs = run.hs.map((h) => [h]);
    }
    const last = xs[xs.length - 1][0];
    const logits = tf.add(tf.matMul(last, p['out.w'] as tf.Tensor2D), p['out.b']) as tf.Tensor2D;
    if (!tape) tf.dispose(xs.flat());
    return { logits, layers, runs, last, ids };
  }

  lossAndGrads(p: Tensors, batch: WindowBatch): { loss: tf.Scalar; grads: Tensors } {
    const { logits, layers, runs, last, ids } = this.forward(p, batch.windows, batch.rows, true);
    const { loss, dLogits } = weightedCrossEntropy(logits, batch.targets, batch.weights);
    const grads: Tensors = {
      'out.w': tf.matMul(tf.transpose(last), dLogits),
      'out.b': columnSums(dLogits),
    };
    const h = this.config.window;
    let dhs: (tf.Tensor2D | null)[] = Array.from({ length: h }, (_, t) => (t === h - 1 ? (tf.matMul(dLogits, tf.transpose(p['out.w'])) as tf.Tensor2D) : null));
    for (let l = layers.length - 1; l >= 0; l--) {
      const width = l === 0 ? this.config.vocab : this.config.hidden[l - 1];
      const g: LstmGrads = lstmBackward(layers[l], runs[l].tape!, dhs, [width], [l > 0], l === 0 ? [ids] : undefined);
      grads[`lstm${l}.w`] = g.w;
      grads[`lstm${l}.b`] = g.b;
      dhs = g.inputs.map((x) => x[0]);
    }
    return { loss, grads };
  }

  evaluate(p: Tensors, batch: WindowBatch): { sum: tf.Scalar; weight: number } {
    const { logits } = this.forward(p, batch.windows, batch.rows, false);
    const { loss } = weightedCrossEntropy(logits, batch.targets, batch.weights);
    const weight = batch.weights.reduce((a, b) => a + b, 0);
    return { sum: tf.mul(loss, weight) as tf.Scalar, weight };
  }

  rows(batch: WindowBatch): number {
    return batch.weights.reduce((a, b) => a + b, 0);
  }

  /** Softmax probabilities [rows, vocab] of the next key after each window, in chunks of `chunk` rows. */
  probabilities(p: Tensors, windows: Int32Array, rows: number, chunk = 1024): Float32Array {
    const V = this.config.vocab;
    const h = this.config.window;
    const out = new Float32Array(rows * V);
    for (let start = 0; start < rows; start += chunk) {
      const n = Math.min(chunk, rows - start);
      const probs = tf.tidy(() => tf.softmax(this.forward(p, windows.subarray(start * h, (start + n) * h), n, false).logits));
      out.set(probs.dataSync() as Float32Array, start * V);
      probs.dispose();
    }
    return out;
  }
}

/**
 * Cross-entropy of logits [B, V] against target ids, weighted per row and averaged by the total weight, and its
 * gradient with respect to the logits: (softmax - onehot(target)) * w / sum(w).
 */
export function weightedCrossEntropy(logits: tf.Tensor2D, targets: Int32Array, weights: Float32Array): { loss: tf.Scalar; dLogits: tf.Tensor2D } {
  const [B, V] = logits.shape;
  const total = weights.reduce((a, b) => a + b, 0);
  const w = tf.tensor2d(weights.map((x) => x / total), [B, 1]);
  const target = oneHot(targets, V);
  const { probs, nll } = softmaxCrossEntropy(logits, target);
  const loss = tf.sum(tf.mul(nll, w)) as tf.Scalar;
  const dLogits = tf.mul(tf.sub(probs, target), w) as tf.Tensor2D;
  return { loss, dLogits };
}
