import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/lib/backend/backend.ts';
import { FlatAdam, GradientLayout, TensorAdam } from '../../src/lib/model/adam.ts';
import { DEFAULT_VAE, type VaeConfig } from '../../src/lib/model/config.ts';
import { LocalEngine } from '../../src/lib/model/local-engine.ts';
import { WorkerEngine } from '../../src/lib/model/parallel/worker-engine.ts';
import { train, TrainingDivergedError } from '../../src/lib/model/trainer.ts';
import { ADAM, DEFAULT_TRAIN } from '../../src/lib/model/train-options.ts';
import { FlowVae } from '../../src/lib/model/vae.ts';
import { gatherRows } from '../../src/lib/model/gradients.ts';
import { Random } from '../../src/lib/util/random.ts';

await useBackend('wasm');

const config: VaeConfig = { ...DEFAULT_VAE, inputDim: 6, zDim: 2, hidden: [16, 16], couplingHidden: 8, flowLength: 2 };

/** Data on a noisy 2-dimensional linear manifold in 6 dimensions (the manifold fixed by `manifold`). */
function data(n: number, seed: number, manifold = 99): Float32Array {
  const w = new Random(manifold);
  const W = Array.from({ length: 12 }, () => w.normal());
  const r = new Random(seed);
  const x = new Float32Array(n * 6);
  for (let i = 0; i < n; i++) {
    const z = [r.normal(), r.normal()];
    for (let j = 0; j < 6; j++) x[i * 6 + j] = z[0] * W[j] + z[1] * W[6 + j] + 0.1 * r.normal();
  }
  return x;
}

describe('Adam', () => {
  it('makes the same update on host arrays and on tensors, TensorFlow-style, with per-parameter clipping', () => {
    const model = new FlowVae(config);
    const layout = model.layout;
    const grads = new GradientLayout(layout);
    const flat = model.initialParams(new Random(1));
    const flatCopy = flat.slice();
    const hostAdam = new FlatAdam(grads, ADAM);
    const tensorAdam = new TensorAdam(ADAM);
    let p = layout.toTensors(flat);
    const r = new Random(2);
    for (let step = 0; step < 3; step++) {
      const g = new Float32Array(grads.size).map(() => r.normal() * (step === 0 ? 10 : 0.1));
      const gt: Record<string, tf.Tensor> = {};
      for (const s of grads.segments) gt[s.name] = tf.tensor(g.subarray(s.offset, s.offset + s.size), s.shape);
      hostAdam.step(flat, g, 1e-3);
      const next = tensorAdam.step(p, gt, 1e-3);
      if (step === 0) {
        // first step: m / sqrt(v) = g / |g|, so every parameter moves by lr against the sign of its gradient
        for (const s of grads.segments.slice(0, 3)) {
          for (let i = 0; i < 5; i++) expect(flat[s.paramOffset + i] - flatCopy[s.paramOffset + i]).toBeCloseTo(-1e-3 * Math.sign(g[s.offset + i]), 6);
        }
      }
      p = next;
    }
    const fromTensors = new Float32Array(layout.size);
    layout.fromTensors(p, fromTensors);
    let maxDiff = 0;
    for (let i = 0; i < flat.length; i++) maxDiff = Math.max(maxDiff, Math.abs(flat[i] - fromTensors[i]));
    expect(maxDiff).toBeLessThan(1e-6);
  });
});

/** One epoch of the same data, order and noise on one thread and on 2 worker threads (left open for more calls). */
async function trainOnOneAndTwo(c: VaeConfig, rows: number, lr: number) {
  const model = new FlowVae(c);
  const x = data(rows, 3);
  const flat = model.initialParams(new Random(4));
  const order = new Random(5).permutation(rows);
  const opts = { batchSize: 128, seed: 6, adam: ADAM };
  const local = new LocalEngine(model, flat, x, opts);
  await local.epoch(order, lr, 0);
  const one = { params: await local.params(), loss: await local.loss() };
  await local.close();
  const workers = await WorkerEngine.start(c, flat, x, { ...opts, workers: 2, backend: 'wasm' });
  let steps = 0;
  await workers.epoch(order, lr, 0, (done) => (steps = done));
  const two = { params: await workers.params(), loss: await workers.loss(), steps };
  return { model, x, flat, opts, one, two, workers };
}

describe('data-parallel training', () => {
  it('gives the same parameters with 2 worker threads as in one thread (the workers average the half-batch gradients)', async () => {
    const { model, x, flat, opts, one, two, workers } = await trainOnOneAndTwo(config, 512, 1e-3);
    const a = one.params;
    const b = two.params;
    expect(two.steps).toBe(4);
    expect(two.loss).toBeCloseTo(one.loss, 3);
    // scoring splits rows among workers without changing any row's result
    const s2 = await workers.score(x.subarray(0, 10 * 6), 10, { samples: 16, seed: 1 });
    await workers.close();
    let maxMove = 0;
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) {
      maxMove = Math.max(maxMove, Math.abs(a[i] - flat[i]));
      maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    }
    expect(maxMove).toBeGreaterThan(1e-3);
    expect(maxDiff).toBeLessThan(1e-5);
    const single = new LocalEngine(model, b, x, opts);
    const s1 = await single.score(x.subarray(0, 10 * 6), 10, { samples: 16, seed: 1 });
    await single.close();
    for (let i = 0; i < 10; i++) expect(s2.logPx[i]).toBeCloseTo(s1.logPx[i], 4);
  });

  it('applies the L2 penalty the same way: in the loss on one thread, in the workers\' Adam step with 2', async () => {
    // a penalty strong enough to move the parameters and the loss visibly
    const run = async (l2: number) => {
      const { one, two, workers } = await trainOnOneAndTwo({ ...config, l2 }, 256, 1e-2);
      await workers.close();
      return { one, two };
    };
    const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    const strong = await run(0.5);
    const none = await run(0);
    expect(strong.two.loss).toBeCloseTo(strong.one.loss, 3);
    expect(maxDiff(strong.one.params, strong.two.params)).toBeLessThan(1e-5);
    // the penalty does matter here: it adds to the loss and changes the update
    expect(strong.one.loss - none.one.loss).toBeGreaterThan(0.5);
    expect(maxDiff(strong.one.params, none.one.params)).toBeGreaterThan(1e-3);
  });

  it('learns: the validation NLL falls', async () => {
    const model = new FlowVae(config);
    const { engine, report } = await train(model, data(1200, 7), data(200, 8), { ...DEFAULT_TRAIN, maxEpochs: 12, validEverySteps: 36, validSamples: 20, batchSize: 64, workers: 2 });
    await engine.close();
    expect(report.history.length).toBe(6);
    expect(report.bestValidNll).toBeLessThan(report.history[0][1] - 3);
    expect(report.stoppedEarly).toBe(false);
  });

  it('stops early when the validation NLL keeps rising, and keeps the best weights', async () => {
    // validation data from another manifold: fitting the training data makes it less likely
    const model = new FlowVae(config);
    const valid = data(200, 8, 42);
    const { engine, report } = await train(model, data(1200, 7), valid, { ...DEFAULT_TRAIN, maxEpochs: 30, validEverySteps: 36, validSamples: 20, batchSize: 64, patience: 3, minSteps: 0, workers: 1 });
    const again = await engine.score(valid, 200, { samples: 20, seed: DEFAULT_TRAIN.seed });
    await engine.close();
    expect(report.stoppedEarly).toBe(true);
    expect(report.epochs).toBe(report.bestEpoch + 3 * 2);
    expect(report.history[report.history.length - 1][1]).toBeGreaterThan(report.bestValidNll);
    // the engine holds the best weights: scoring them again gives the best validation NLL
    expect(-again.logPx.reduce((a, b) => a + b, 0) / 200).toBeCloseTo(report.bestValidNll, 3);
  });
});

describe('gatherRows', () => {
  it('gathers the indexed rows in order, into a given array when there is one, and refuses one of the wrong size', () => {
    const x = Float32Array.from({ length: 5 * 3 }, (_, i) => i);
    const order = Int32Array.from([4, 0, 3, 1, 2]);
    expect(Array.from(gatherRows(x, 3, order, 1, 3))).toEqual([0, 1, 2, 9, 10, 11]);
    const out = new Float32Array(6).fill(-1);
    expect(gatherRows(x, 3, order, 0, 2, out)).toBe(out);
    expect(Array.from(out)).toEqual([12, 13, 14, 0, 1, 2]);
    expect(() => gatherRows(x, 3, order, 0, 3, out)).toThrow(/6 floats for 3 rows of 3/);
  });
});

describe('a loss that is not a finite number', () => {
  it('stops training at the first epoch that has one (it trained on NaN without a word)', async () => {
    const x = data(300, 7);
    x[17] = NaN;
    const err = await train(new FlowVae(config), x, data(50, 8), { ...DEFAULT_TRAIN, maxEpochs: 5, validSamples: 5, batchSize: 32, workers: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(TrainingDivergedError);
    expect(err.message).toBe('training stopped in epoch 1: the training loss is NaN');
  });
});
