// npm run bench:deeplog [-- --backend wasm --train 2000 --mm-train 8000 --test 5000 --epochs 1]
// Training and scoring throughput of the two LSTM baselines (DeepLog*, Multimodal LSTM) on traces of the
// TrainTicket simulator's quick preset, with the GFLOP/s their matrix products amount to, beside the flow-VAE's
// dense layer (500 x 500, batch 256, forward and backward, its explicit-transpose gradient) in the same run.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, useBackend, type BackendChoice } from '../src/lib/backend/backend.ts';
import { dense } from '../src/lib/model/dense.ts';
import { LstmWeights, lstmBackward, lstmForward } from '../src/lib/model/lstm.ts';
import { oneHot } from '../src/lib/model/wasm-ops.ts';
import { simulateTrainTicket, TRAINTICKET_PRESETS } from '../datasets/trainticket/simulate.ts';
import { DeepLogDetector } from '../baselines/deeplog/deeplog.ts';
import { MultimodalLstmDetector, MULTIMODAL_DEFAULTS } from '../baselines/multimodal-lstm/multimodal.ts';
import { DEEPLOG_DEFAULTS } from '../baselines/deeplog/deeplog.ts';
import { exitOnError } from '../src/harness/cli/script.ts';

exitOnError('bench:deeplog');
const { values: o } = parseArgs({
  options: {
    backend: { type: 'string', default: 'auto' },
    train: { type: 'string', default: '2000' },
    'mm-train': { type: 'string', default: '8000' },
    test: { type: 'string', default: '5000' },
    epochs: { type: 'string', default: '1' },
  },
});
const info = await useBackend(o.backend as BackendChoice);
const backend = info.name;
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const sim = simulateTrainTicket({ ...TRAINTICKET_PRESETS.quick, seed: 1 }, 'quick');
const train = sim.train.traces!.slice(0, Number(o.train));
const test = sim.test.traces!.slice(0, Number(o.test));
const epochs = Number(o.epochs);
const events = train.reduce((a, t) => a + t.calls.length, 0);
console.log(`${describeBackend(info)}; DeepLog* on ${fmt(train.length)} training traces (${fmt(events)} calls), ${fmt(test.length)} test traces; ${epochs} epoch(s), no early stopping`);

// the flow-VAE's dense layer, forward and backward (its custom gradient), as the reference rate
{
  const B = 256;
  const D = 500;
  const x = tf.randomNormal([B, D]);
  const w = tf.randomNormal([D, D], 0, 0.05);
  const b = tf.zeros([D]);
  const grad = tf.grads((xv: tf.Tensor, wv: tf.Tensor, bv: tf.Tensor) => tf.sum(dense(xv as tf.Tensor2D, wv, bv, { activation: 'leaky' })));
  const run = () => tf.tidy(() => grad([x, w, b]).forEach((g) => g.dataSync()));
  for (let i = 0; i < 3; i++) run();
  const n = 20;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) run();
  const sec = (performance.now() - t0) / 1000 / n;
  console.log(`flow-VAE dense layer ${D} x ${D}, batch ${B}, forward + backward: ${((3 * 2 * B * D * D) / sec / 1e9).toFixed(1)} GFLOP/s`);
}

// DeepLog*'s two LSTM layers on their own (one-hot 215 -> 64 -> 64, 10 steps, batch 256): the explicit backward
// pass against the forward pass, and against tf.grads through the textbook cell (stock matMul gradient, split, tanh)
{
  const [B, V, H, T] = [256, 215, 64, 10];
  const w1 = tf.randomNormal([V + H, 4 * H], 0, 0.1) as tf.Tensor2D;
  const b1 = tf.zeros([4 * H]) as tf.Tensor1D;
  const w2 = tf.randomNormal([2 * H, 4 * H], 0, 0.1) as tf.Tensor2D;
  const b2 = tf.zeros([4 * H]) as tf.Tensor1D;
  const ids = Array.from({ length: T }, (_, t) => Int32Array.from({ length: B }, (_, i) => (i * 7 + t) % V));
  const time = (f: () => void, n: number) => {
    f();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) f();
    return (performance.now() - t0) / n;
  };
  const explicit = (backward: boolean) => () =>
    tf.tidy(() => {
      const l1 = new LstmWeights(w1, b1);
      const l2 = new LstmWeights(w2, b2);
      const f1 = lstmForward(l1, ids.map((x) => [oneHot(x, V)]), backward);
      const f2 = lstmForward(l2, f1.hs.map((h) => [h]), backward);
      if (!backward) return void f2.hs[T - 1].dataSync();
      const g2 = lstmBackward(l2, f2.tape!, f2.hs.map((h, t) => (t === T - 1 ? tf.onesLike(h) : null)), [H], [true]);
      const g1 = lstmBackward(l1, f1.tape!, g2.inputs.map((x) => x[0]), [V], [false], [ids]);
      g1.w.dataSync();
    });
  const stock = () =>
    tf.tidy(() => {
      const layer = (w: tf.Tensor, b: tf.Tensor, xs: tf.Tensor[]) => {
        let h: tf.Tensor = tf.zeros([B, H]);
        let c: tf.Tensor = tf.zeros([B, H]);
        return xs.map((x) => {
          const [i, f, g, o] = tf.split(tf.add(tf.matMul(tf.concat([x, h], 1), w), b), 4, 1);
          c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
          return (h = tf.mul(tf.sigmoid(o), tf.tanh(c)));
        });
      };
      const g = tf.grads((a: tf.Tensor, bb: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => {
        const h1 = layer(a, bb, ids.map((x) => oneHot(x, V)));
        return tf.sum(layer(c, d, h1)[T - 1]) as tf.Scalar;
      })([w1, b1, w2, b2]);
      g[0].dataSync();
    });
  const fwd = time(explicit(false), 10);
  const both = time(explicit(true), 10);
  const ref = time(stock, 2);
  console.log(
    `LSTM layers (one-hot ${V} -> ${H} -> ${H}, ${T} steps, batch ${B}): forward ${fwd.toFixed(0)} ms, forward + explicit backward ${both.toFixed(0)} ms (x${(both / fwd).toFixed(2)}), ` +
      `tf.grads through the textbook cell ${ref.toFixed(0)} ms (x${(ref / both).toFixed(1)} slower)`,
  );
}

/**
 * Multiply-adds of one LSTM step, forward and backward, of a layer with `input` inputs and `units` units (four
 * gates): forward [input + units] x [4 units]; backward the recurrent gradient, the input gradient unless the input
 * is data, and the kernel gradient, whose one-hot rows are a scatter-add, not a product.
 */
const lstmTrainMacs = (input: number, units: number, inputIs: 'one-hot' | 'data' | 'hidden') => {
  const gates = 4 * units;
  const forward = (input + units) * gates;
  const inputGrad = inputIs === 'hidden' ? input * gates : 0;
  const kernelGrad = (inputIs === 'one-hot' ? units : input + units) * gates;
  return forward + units * gates + inputGrad + kernelGrad;
};
/** Multiply-adds of a dense layer's forward and backward passes (input gradient included). */
const denseTrainMacs = (input: number, output: number) => 3 * input * output;

// DeepLog*: every (window, next key) pair, then the distinct pairs weighted by count (the default)
for (const aggregate of [false, true]) {
  const det = new DeepLogDetector({ backend: o.backend as BackendChoice, epochs, patience: 0, aggregate });
  await det.fit({ traces: train });
  const r = det.report!;
  const V = r.vocab;
  const h = DEEPLOG_DEFAULTS.h;
  const [h1, h2] = DEEPLOG_DEFAULTS.hidden;
  const macs = h * (lstmTrainMacs(V, h1, 'one-hot') + lstmTrainMacs(h1, h2, 'hidden')) + denseTrainMacs(h2, V);
  const rawRate = aggregate ? r.distinctRowsPerSecond : r.rowsPerSecond;
  console.log(
    `deeplog  aggregate=${aggregate}: training ${fmt(r.rowsPerSecond)} windows/s${aggregate ? ` represented (${fmt(rawRate)} distinct windows/s)` : ''}, ` +
      `${((2 * macs * rawRate) / 1e9).toFixed(1)} GFLOP/s in matrix products (h ${h}, 2 x ${h1}, vocabulary ${V})`,
  );
  if (aggregate) {
    const t0 = performance.now();
    await det.score({ traces: test });
    console.log(`deeplog  scoring: ${fmt(test.length / ((performance.now() - t0) / 1000))} traces/s (distinct windows once each, 3-sigma times)`);
  }
}

// Multimodal LSTM
{
  const mmTrain = sim.train.traces!.slice(0, Number(o['mm-train']));
  const det = new MultimodalLstmDetector({ backend: o.backend as BackendChoice, epochs, patience: 0 });
  await det.fit({ traces: mmTrain });
  const r = det.report!;
  const c = MULTIMODAL_DEFAULTS;
  const positions = mmTrain.reduce((a, t) => a + t.calls.length + 1, 0); // BOS + one step per event
  const top = c.shared[c.shared.length - 1];
  const perPosition =
    lstmTrainMacs(r.vocab, c.labelUnits, 'one-hot') +
    lstmTrainMacs(1, c.timeUnits, 'data') +
    lstmTrainMacs(c.labelUnits + c.timeUnits, c.shared[0], 'hidden') +
    c.shared.slice(1).reduce((a, u, i) => a + lstmTrainMacs(c.shared[i], u, 'hidden'), 0) +
    denseTrainMacs(top, r.vocab + 1);
  // rows/s counts the training split (90%); positions scale with it
  const positionsPerSecond = (r.rowsPerSecond * positions) / mmTrain.length;
  console.log(
    `multimodal-lstm: training ${fmt(r.rowsPerSecond)} sequences/s (${fmt(positionsPerSecond)} steps/s; ${fmt(mmTrain.length)} traces, batches of one length), ` +
      `${((2 * perPosition * positionsPerSecond) / 1e9).toFixed(1)} GFLOP/s in matrix products (labels ${r.vocab})`,
  );
  const t0 = performance.now();
  await det.score({ traces: test });
  console.log(`multimodal-lstm: scoring ${fmt(test.length / ((performance.now() - t0) / 1000))} traces/s`);
}
console.log(`(${backend}; one thread; timings on a shared machine vary by +-2x between runs)`);
