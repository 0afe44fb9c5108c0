// npm run bench:deeplog [-- --backend wasm --train 2000 --test 5000 --epochs 1]
// Training and scoring throughput of the two LSTM baselines (DeepLog*, Multimodal LSTM) on traces of the
// TrainTicket simulator's quick preset, with the GFLOP/s their matrix products amount to, beside the flow-VAE's
// dense layer (500 x 500, batch 256, forward and backward, its explicit-transpose gradient) in the same run.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, useBackend, type BackendChoice } from '../src/backend/backend.ts';
import { dense } from '../src/model/dense.ts';
import { simulateTrainTicket, TRAINTICKET_PRESETS } from '../datasets/trainticket/simulate.ts';
import { DeepLogDetector } from '../baselines/deeplog/deeplog.ts';
import { MultimodalLstmDetector, MULTIMODAL_DEFAULTS } from '../baselines/multimodal-lstm/multimodal.ts';
import { DEEPLOG_DEFAULTS } from '../baselines/deeplog/deeplog.ts';

const { values: o } = parseArgs({
  options: {
    backend: { type: 'string', default: 'auto' },
    train: { type: 'string', default: '2000' },
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
console.log(`${describeBackend(info)}; ${fmt(train.length)} training traces (${fmt(events)} calls), ${fmt(test.length)} test traces; ${epochs} epoch(s), no early stopping`);

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

/** Multiply-adds of one LSTM step of a layer with `input` inputs and `units` units (four gates). */
const lstmMacs = (input: number, units: number) => (input + units) * 4 * units;

// DeepLog*: every (window, next key) pair, then the distinct pairs weighted by count (the default)
for (const aggregate of [false, true]) {
  const det = new DeepLogDetector({ backend: o.backend as BackendChoice, epochs, patience: 0, aggregate });
  await det.fit({ traces: train });
  const r = det.report!;
  const V = r.vocab;
  const h = DEEPLOG_DEFAULTS.h;
  const [h1, h2] = DEEPLOG_DEFAULTS.hidden;
  const macs = h * (lstmMacs(V, h1) + lstmMacs(h1, h2)) + h2 * V;
  const rawRate = aggregate ? r.distinctRowsPerSecond : r.rowsPerSecond;
  console.log(
    `deeplog  aggregate=${aggregate}: training ${fmt(r.rowsPerSecond)} windows/s${aggregate ? ` represented (${fmt(rawRate)} distinct windows/s)` : ''}, ` +
      `${((3 * 2 * macs * rawRate) / 1e9).toFixed(1)} GFLOP/s in matrix products (h ${h}, 2 x ${h1}, vocabulary ${V})`,
  );
  if (aggregate) {
    const t0 = performance.now();
    await det.score({ traces: test });
    console.log(`deeplog  scoring: ${fmt(test.length / ((performance.now() - t0) / 1000))} traces/s (distinct windows once each, 3-sigma times)`);
  }
}

// Multimodal LSTM
{
  const det = new MultimodalLstmDetector({ backend: o.backend as BackendChoice, epochs, patience: 0 });
  await det.fit({ traces: train });
  const r = det.report!;
  const c = MULTIMODAL_DEFAULTS;
  const positions = events + train.length; // BOS + one step per event
  const perPosition = lstmMacs(r.vocab, c.labelUnits) + lstmMacs(1, c.timeUnits) + lstmMacs(c.labelUnits + c.timeUnits, c.shared[0]) + c.shared.slice(1).reduce((a, u, i) => a + lstmMacs(c.shared[i], u), 0) + c.shared[c.shared.length - 1] * (r.vocab + 1);
  const positionsPerSecond = (r.rowsPerSecond * positions) / train.length;
  console.log(
    `multimodal-lstm: training ${fmt(r.rowsPerSecond)} sequences/s (${fmt(positionsPerSecond)} steps/s), ${((3 * 2 * perPosition * positionsPerSecond) / 1e9).toFixed(1)} GFLOP/s in matrix products (labels ${r.vocab})`,
  );
  const t0 = performance.now();
  await det.score({ traces: test });
  console.log(`multimodal-lstm: scoring ${fmt(test.length / ((performance.now() - t0) / 1000))} traces/s`);
}
console.log(`(${backend}; one thread; timings on a shared machine vary by +-2x between runs)`);
