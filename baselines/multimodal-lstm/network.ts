import * as tf from '@tensorflow/tfjs';
import { declareLstm, initLstm, LstmWeights, lstmBackward, lstmForward, type LstmTape } from '../../src/lib/model/lstm.ts';
import { columnSums, oneHot, softmaxCrossEntropy } from '../../src/lib/model/wasm-ops.ts';
import { glorotNormal, LayoutBuilder, ParamLayout, type Tensors } from '../../src/lib/model/params.ts';
import type { Random } from '../../src/lib/util/random.ts';
import type { TrainableNetwork } from '../../src/lib/model/network-training.ts';

/**
 * The Multimodal LSTM of Nedelkoski et al. (CLOUD'19; spec 7.3): at each step the one-hot label of the current
 * event feeds one LSTM branch and its normalised response time another; their states, side by side, feed a
 * stack of shared LSTMs whose state predicts, per step, the next label (softmax) and the next response time
 * (sigmoid). Loss: mean cross-entropy of the next labels + lambda x mean squared error of the next times.
 * Forward and backward are explicit (src/lib/model/lstm.ts); output products transposed explicitly.
 */
export interface MultimodalConfig {
  /** Label ids 0..labels-1 (reserved ones included). */
  labels: number;
  labelUnits: number;
  timeUnits: number;
  /** Units of the shared LSTM layers, bottom first. */
  shared: number[];
  /** Weight of the time loss. */
  lambda: number;
  /** Leave the first label (the entry API, predicted from BOS alone) out of the loss. */
  skipFirst: boolean;
  /**
   * Mean input steps per training sequence. Batches hold sequences of one length; a batch's loss is its summed
   * per-position loss over rows x the mean positions per sequence, so that every position weighs the same, as in
   * padded batches of mixed lengths (the per-batch mean would give the few batches of long traces the weight of
   * short ones). Absent: each batch's own mean.
   */
  meanSteps?: number;
}

/**
 * Sequences of one length, row-major by sequence: `labels[r * steps + t]` is the input label of step t, whose
 * targets are `labels` shifted by one with `lastTarget` (EOS) at the end; `times` likewise, the last step having
 * no time target.
 */
export interface SequenceBatch {
  rows: number;
  steps: number;
  labels: Int32Array;
  times: Float32Array;
  /** The label after the last input step (EOS), per row. */
  lastTarget: Int32Array;
}

const column = <T extends Int32Array | Float32Array>(a: T, rows: number, steps: number, t: number, out: T): T => {
  for (let r = 0; r < rows; r++) out[r] = a[r * steps + t];
  return out;
};

/** Per step, for scoring: the rank (1 = most probable) of the true next label and the predicted next time. */
export interface StepPredictions {
  /** [rows * steps], row-major. */
  rank: Int32Array;
  time: Float32Array;
}

export class MultimodalNet implements TrainableNetwork<SequenceBatch> {
  readonly layout: ParamLayout;
  private readonly top: number;

  constructor(readonly config: MultimodalConfig) {
    const c = config;
    const b = new LayoutBuilder();
    declareLstm(b, 'labels', c.labels, c.labelUnits);
    declareLstm(b, 'times', 1, c.timeUnits);
    let width = c.labelUnits + c.timeUnits;
    c.shared.forEach((units, l) => {
      declareLstm(b, `shared${l}`, width, units);
      width = units;
    });
    this.top = width;
    b.add('label.w', [width, c.labels], 'glorot');
    b.add('label.b', [c.labels], 'zeros');
    b.add('time.w', [width, 1], 'glorot');
    b.add('time.b', [1], 'zeros');
    this.layout = new ParamLayout(b.specs);
  }

  initialParams(rng: Random): Float32Array {
    const c = this.config;
    const flat = new Float32Array(this.layout.size);
    initLstm(this.layout, flat, 'labels', c.labels, c.labelUnits, rng);
    initLstm(this.layout, flat, 'times', 1, c.timeUnits, rng);
    let width = c.labelUnits + c.timeUnits;
    c.shared.forEach((units, l) => {
      initLstm(this.layout, flat, `shared${l}`, width, units, rng);
      width = units;
    });
    glorotNormal(this.layout.view(flat, 'label.w'), [width, c.labels], rng);
    glorotNormal(this.layout.view(flat, 'time.w'), [width, 1], rng);
    return flat;
  }

  private lstm(p: Tensors, name: string): LstmWeights {
    return new LstmWeights(p[`${name}.w`] as tf.Tensor2D, p[`${name}.b`] as tf.Tensor1D);
  }

  /** The top shared layer's state per step, and the tapes of every layer when `tape`. */
  private body(p: Tensors, batch: SequenceBatch, tape: boolean) {
    const { rows, steps } = batch;
    const c = this.config;
    const labelIds = Array.from({ length: steps }, (_, t) => column(batch.labels, rows, steps, t, new Int32Array(rows)));
    const labelIn = labelIds.map((ids) => [oneHot(ids, c.labels)]);
    const timeIn = Array.from({ length: steps }, (_, t) => [tf.tensor2d(column(batch.times, rows, steps, t, new Float32Array(rows)), [rows, 1])]);
    const weights = { labels: this.lstm(p, 'labels'), times: this.lstm(p, 'times'), shared: c.shared.map((_, l) => this.lstm(p, `shared${l}`)) };
    const a = lstmForward(weights.labels, labelIn, tape);
    const b = lstmForward(weights.times, timeIn, tape);
    if (!tape) tf.dispose([...labelIn.flat(), ...timeIn.flat()]);
    let xs: tf.Tensor2D[][] = a.hs.map((h, t) => [h, b.hs[t]]);
    const shared: { tape: LstmTape | null }[] = [];
    for (const lw of weights.shared) {
      const run = lstmForward(lw, xs, tape);
      if (!tape) tf.dispose(xs.flat());
      shared.push(run);
      xs = run.hs.map((h) => [h]);
    }
    return { top: xs.map((x) => x[0]), weights, labelIds, tapes: { labels: a.tape, times: b.tape, shared: shared.map((s) => s.tape) } };
  }

  /** Targets of step t: the next label per row, and (t < steps - 1) the next time. */
  private targets(batch: SequenceBatch, t: number): { label: Int32Array; time: Float32Array | null } {
    const { rows, steps } = batch;
    if (t === steps - 1) return { label: batch.lastTarget, time: null };
    return { label: column(batch.labels, rows, steps, t + 1, new Int32Array(rows)), time: column(batch.times, rows, steps, t + 1, new Float32Array(rows)) };
  }

  /** Summed cross-entropy and summed squared time error of a batch, with the gradient of the mean loss when `grad`. */
  private heads(p: Tensors, top: tf.Tensor2D[], batch: SequenceBatch, grad: boolean) {
    const { rows, steps } = batch;
    const V = this.config.labels;
    const first = this.config.skipFirst ? 1 : 0;
    const nLabel = rows * (steps - first);
    // the training loss's normalisers (see meanSteps)
    const mean = this.config.meanSteps ?? steps;
    // (a batch without such positions adds 0 whatever its normaliser; 1 keeps that from being 0 / 0)
    const labelNorm = rows * (mean - first || 1);
    const timeNorm = rows * (mean - 1 || 1);
    const wl = p['label.w'] as tf.Tensor2D;
    const wt = p['time.w'] as tf.Tensor2D;
    const wlT = grad ? tf.transpose(wl) : null;
    const wtT = grad ? tf.transpose(wt) : null;
    let ce: tf.Tensor = tf.scalar(0);
    let se: tf.Tensor = tf.scalar(0);
    const dTop: tf.Tensor2D[] = [];
    const dLogits: tf.Tensor2D[] = [];
    const dTime: tf.Tensor2D[] = [];
    for (let t = 0; t < steps; t++) {
      const h = top[t];
      const { label, time } = this.targets(batch, t);
      let dl: tf.Tensor2D | null = null;
      if (t >= first) {
        const target = oneHot(label, V);
        const { probs, nll } = softmaxCrossEntropy(tf.add(tf.matMul(h, wl), p['label.b']) as tf.Tensor2D, target);
        ce = tf.add(ce, tf.sum(nll));
        if (grad) dl = tf.div(tf.sub(probs, target), labelNorm) as tf.Tensor2D;
      }
      let dt: tf.Tensor2D | null = null;
      if (time !== null) {
        const yHat = tf.sigmoid(tf.add(tf.matMul(h, wt), p['time.b']));
        const diff = tf.sub(yHat, tf.tensor2d(time, [rows, 1]));
        se = tf.add(se, tf.sum(tf.square(diff)));
        if (grad) dt = tf.mul(tf.mul(diff, tf.mul(yHat, tf.sub(1, yHat))), (2 * this.config.lambda) / timeNorm) as tf.Tensor2D;
      }
      if (grad) {
        if (dl) dLogits.push(dl);
        if (dt) dTime.push(dt);
        const parts = [...(dl ? [tf.matMul(dl, wlT!)] : []), ...(dt ? [tf.matMul(dt, wtT!)] : [])];
        dTop.push((parts.length === 0 ? tf.zeros([rows, this.top]) : parts.length === 1 ? parts[0] : tf.add(parts[0], parts[1])) as tf.Tensor2D);
      }
    }
    return { ce: ce as tf.Scalar, se: se as tf.Scalar, nLabel, labelNorm, timeNorm, dTop, dLogits, dTime };
  }

  lossAndGrads(p: Tensors, batch: SequenceBatch): { loss: tf.Scalar; grads: Tensors } {
    const c = this.config;
    const { top, weights, tapes, labelIds } = this.body(p, batch, true);
    const hd = this.heads(p, top, batch, true);
    const loss = tf.add(tf.div(hd.ce, hd.labelNorm), tf.mul(tf.div(hd.se, hd.timeNorm), c.lambda)) as tf.Scalar;
    const first = c.skipFirst ? 1 : 0;
    const dLogitsAll = tf.concat(hd.dLogits, 0);
    const grads: Tensors = {
      'label.w': tf.matMul(tf.transpose(tf.concat(top.slice(first), 0)), dLogitsAll),
      'label.b': columnSums(dLogitsAll),
    };
    if (hd.dTime.length > 0) {
      const dTimeAll = tf.concat(hd.dTime, 0);
      grads['time.w'] = tf.matMul(tf.transpose(tf.concat(top.slice(0, batch.steps - 1), 0)), dTimeAll);
      grads['time.b'] = columnSums(dTimeAll);
    } else {
      grads['time.w'] = tf.zerosLike(p['time.w']);
      grads['time.b'] = tf.zerosLike(p['time.b']);
    }
    let dhs: (tf.Tensor2D | null)[] = hd.dTop;
    for (let l = c.shared.length - 1; l >= 0; l--) {
      const bottom = l === 0;
      const widths = bottom ? [c.labelUnits, c.timeUnits] : [c.shared[l - 1]];
      const g = lstmBackward(weights.shared[l], tapes.shared[l]!, dhs, widths, widths.map(() => true));
      grads[`shared${l}.w`] = g.w;
      grads[`shared${l}.b`] = g.b;
      if (bottom) {
        const ga = lstmBackward(weights.labels, tapes.labels!, g.inputs.map((x) => x[0]), [c.labels], [false], [labelIds]);
        const gb = lstmBackward(weights.times, tapes.times!, g.inputs.map((x) => x[1]), [1], [false]);
        grads['labels.w'] = ga.w;
        grads['labels.b'] = ga.b;
        grads['times.w'] = gb.w;
        grads['times.b'] = gb.b;
      }
      dhs = g.inputs.map((x) => x[0]);
    }
    return { loss, grads };
  }

  /** Summed per-position loss (cross-entropy + lambda x squared error) and the number of label positions. */
  evaluate(p: Tensors, batch: SequenceBatch): { sum: tf.Scalar; weight: number } {
    const { top } = this.body(p, batch, false);
    const hd = this.heads(p, top, batch, false);
    return { sum: tf.add(hd.ce, tf.mul(hd.se, this.config.lambda)) as tf.Scalar, weight: hd.nLabel };
  }

  rows(batch: SequenceBatch): number {
    return batch.rows;
  }

  /** For every step of every row: the rank of the true next label (ties counted in its favour) and the predicted next time. */
  predict(p: Tensors, batch: SequenceBatch): StepPredictions {
    const { rows, steps } = batch;
    const rank = new Int32Array(rows * steps);
    const time = new Float32Array(rows * steps);
    const out = tf.tidy(() => {
      const { top } = this.body(p, batch, false);
      const ranks: tf.Tensor[] = [];
      const times: tf.Tensor[] = [];
      top.forEach((h, t) => {
        const logits = tf.add(tf.matMul(h, p['label.w']), p['label.b']);
        const own = tf.sum(tf.mul(logits, oneHot(this.targets(batch, t).label, this.config.labels)), 1, true);
        ranks.push(tf.add(tf.sum(tf.cast(tf.greater(logits, own), 'float32'), 1), 1));
        times.push(tf.sigmoid(tf.add(tf.matMul(h, p['time.w']), p['time.b'])).reshape([rows]));
      });
      // [steps * rows], step-major
      return [tf.concat(ranks, 0), tf.concat(times, 0)];
    });
    const r = out[0].dataSync();
    const y = out[1].dataSync();
    tf.dispose(out);
    for (let t = 0; t < steps; t++) {
      for (let row = 0; row < rows; row++) {
        rank[row * steps + t] = r[t * rows + row];
        time[row * steps + t] = y[t * rows + row];
      }
    }
    return { rank, time };
  }
}
