import { describe, expect, it } from 'vitest';
import { useBackend } from '../../src/lib/backend/backend.ts';
import { cpuSession, loadOrt, type OrtModule } from '../../src/lib/backend/onnxruntime.ts';
import { DEFAULT_VAE, type VaeConfig } from '../../src/lib/model/config.ts';
import { LocalEngine } from '../../src/lib/model/local-engine.ts';
import { OnnxScorer, OnnxTrainEngine } from '../../src/lib/model/onnx/onnx-engine.ts';
import { OnnxTrainStep } from '../../src/lib/model/onnx/train-step.ts';
import { GradientLayout } from '../../src/lib/model/adam.ts';
import { lossAndGrads } from '../../src/lib/model/gradients.ts';
import * as tf from '@tensorflow/tfjs';
import { encodeModel } from '../../src/lib/model/onnx/proto.ts';
import { graphProblem } from '../../src/lib/model/onnx/score-graph.ts';
import { scoreRows } from '../../src/lib/model/score.ts';
import { ADAM } from '../../src/lib/model/train-options.ts';
import { FlowVae } from '../../src/lib/model/vae.ts';
import { Random } from '../../src/lib/util/random.ts';

await useBackend('wasm');
// onnxruntime-node is an optional dependency: these tests run where it installed (npm 11 installs it; see docs/backends.md)
const ort: OrtModule | null = await loadOrt().catch(() => null);

const SMALL: VaeConfig = { ...DEFAULT_VAE, inputDim: 12, zDim: 4, hidden: [16, 16], flowLength: 2, couplingHidden: 8 };

/** A model whose every trainable parameter is moved off its initial value (couplings start as a fixed scaling). */
function perturbed(config: VaeConfig, seed: number): { model: FlowVae; flat: Float32Array } {
  const model = new FlowVae(config);
  const rng = new Random(seed);
  const flat = model.initialParams(rng);
  for (const s of model.layout.specs) {
    if (!s.trainable) continue;
    const v = model.layout.view(flat, s.name);
    for (let i = 0; i < v.length; i++) v[i] += 0.1 * rng.normal();
  }
  return { model, flat };
}

function rows(n: number, d: number, seed: number): Float32Array {
  const r = new Random(seed);
  return Float32Array.from({ length: n * d }, () => (r.next() < 0.4 ? -1 : Math.abs(r.normal())));
}

/** The same rows scored by the tfjs path and by onnxruntime (one thread). */
async function bothScores(model: FlowVae, flat: Float32Array, x: Float32Array, n: number, opts: { samples: number; seed: number }) {
  const tfjs = scoreRows(model, model.layout.toTensors(flat), x, n, opts);
  const scorer = new OnnxScorer(ort!, model, flat, 1);
  const onnx = await scorer.score(x, n, opts);
  await scorer.close();
  return { tfjs, onnx };
}

const maxRel = (a: Float64Array, b: Float64Array) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]) / Math.max(1, Math.abs(v))));

describe.skipIf(ort === null)('the flow-VAE on onnxruntime', () => {
  it('runs a graph written by the protobuf encoder: leaky ReLU of x W + b, by hand', async () => {
    const bytes = encodeModel({
      name: 't',
      inputs: [{ name: 'x', dims: ['n', 2] }],
      outputs: [{ name: 'y', dims: ['n', 2] }],
      initializers: [
        { name: 'w', dims: [2, 2], data: Float32Array.from([1, 2, 3, 4]) },
        { name: 'b', dims: [2], data: Float32Array.from([-10, 0.5]) },
      ],
      nodes: [
        { op: 'MatMul', inputs: ['x', 'w'], outputs: ['p'] },
        { op: 'Add', inputs: ['p', 'b'], outputs: ['a'] },
        { op: 'LeakyRelu', inputs: ['a'], outputs: ['y'], attrs: { alpha: { float: 0.25 } } },
      ],
    });
    const s = await cpuSession(ort!, bytes, 1);
    const out = await s.run({ x: new ort!.Tensor('float32', Float32Array.from([1, 1, 2, -1]), [2, 2]) });
    // [1,1] W = [4, 6] + b = [-6, 6.5] -> [-1.5, 6.5]; [2,-1] W = [-1, 0] + b = [-11, 0.5] -> [-2.75, 0.5]
    expect(Array.from(out.y.data)).toEqual([-1.5, 6.5, -2.75, 0.5]);
    await s.release();
  });

  it('gives the tfjs path log p(x) and the ELBO to float32 rounding (RealNVP, K = 2 and K = 0)', async () => {
    for (const flowLength of [2, 0]) {
      const { model, flat } = perturbed({ ...SMALL, flowLength }, 4);
      expect(graphProblem(model)).toBeNull();
      const x = rows(10, 12, 5);
      const opts = { samples: 16, seed: 3 };
      const { tfjs, onnx } = await bothScores(model, flat, x, 10, opts);
      expect(maxRel(tfjs.logPx, onnx.logPx)).toBeLessThan(1e-5);
      expect(maxRel(tfjs.elbo, onnx.elbo)).toBeLessThan(1e-5);
      // and the numbers are not degenerate: rows differ
      expect(new Set(Array.from(onnx.logPx, (v) => v.toFixed(3))).size).toBe(10);
    }
  });

  it('stays finite where a float32 softplus or sigmoid under- or overflows: std heads at +-100, coupling scales at -100', async () => {
    const { model, flat } = perturbed(SMALL, 20);
    model.layout.view(flat, 'dec.std.b').fill(100); // std = softplus(100): sigmoid(-100) is 0 in float32
    model.layout.view(flat, 'enc.std.b').fill(-100); // std at its floor
    model.layout.view(flat, 'flow.0.coupling.scale.b').fill(-100); // sigmoid(pre) is 0: log det = -softplus(98)
    const x = rows(5, 12, 21);
    const opts = { samples: 8, seed: 5 };
    const { tfjs, onnx } = await bothScores(model, flat, x, 5, opts);
    expect(Array.from(tfjs.logPx).every(Number.isFinite)).toBe(true);
    expect(Array.from(onnx.logPx).every(Number.isFinite)).toBe(true);
    expect(maxRel(tfjs.logPx, onnx.logPx)).toBeLessThan(1e-4);
  });

  it('keys each row its own noise: the rows of one call score as they do in two calls (firstRow)', async () => {
    const { model, flat } = perturbed(SMALL, 6);
    const x = rows(9, 12, 7);
    const scorer = new OnnxScorer(ort!, model, flat, 2);
    const all = await scorer.score(x, 9, { samples: 8, seed: 1, chunkRows: 8 * 4 });
    const head = await scorer.score(x.subarray(0, 4 * 12), 4, { samples: 8, seed: 1 });
    const tail = await scorer.score(x.subarray(4 * 12), 5, { samples: 8, seed: 1, firstRow: 4 });
    await scorer.close();
    expect(maxRel(all.logPx, Float64Array.from([...head.logPx, ...tail.logPx]))).toBeLessThan(1e-6);
  });

  it('has no graph for a planar flow (tfjs scores it)', () => {
    expect(graphProblem(new FlowVae({ ...SMALL, flow: 'planar' }))).toMatch(/planar flow has no ONNX graph/);
  });

  it('the training-step graph gives the data loss and every gradient of tfjs (hand-written backward pass)', async () => {
    for (const flowLength of [2, 0]) {
      const { model, flat } = perturbed({ ...SMALL, flowLength }, 11);
      const B = 8;
      const x = rows(B, 12, 12);
      const r = new Random(13);
      const eps = Float32Array.from({ length: B * 4 }, () => r.normal());
      const dataTerm = { layout: model.layout, loss: (q: Parameters<FlowVae['dataLoss']>[0], xx: tf.Tensor2D, e: tf.Tensor2D) => model.dataLoss(q, xx, e) };
      const ref = lossAndGrads(dataTerm, model.layout.toTensors(flat), tf.tensor2d(x, [B, 12]), tf.tensor2d(eps, [B, 4]));
      const step = await OnnxTrainStep.open(ort!, model, B, 1);
      const got = await step.run(flat, x, eps);
      await step.close();
      expect(Math.abs(got.loss - ref.loss.dataSync()[0]) / Math.abs(ref.loss.dataSync()[0])).toBeLessThan(1e-5);
      for (const seg of new GradientLayout(model.layout).segments) {
        const want = ref.grads[seg.name].dataSync();
        const mine = got.grads.subarray(seg.offset, seg.offset + seg.size);
        const scale = Math.max(...Array.from(want, Math.abs));
        expect(scale, seg.name).toBeGreaterThan(0);
        expect(Math.max(...Array.from(want, (v, i) => Math.abs(v - mine[i]))) / scale, seg.name).toBeLessThan(1e-4);
      }
    }
  });

  it('trains as the tfjs engine does (same batches, noise, Adam and L2) to float32 rounding, and rescores after new parameters', async () => {
    const { model, flat } = perturbed(SMALL, 14);
    const train = rows(32, 12, 15);
    const order = Int32Array.from({ length: 32 }, (_, i) => (i * 7) % 32);
    const o = { batchSize: 8, seed: 3, adam: { ...ADAM } };
    const tfjs = new LocalEngine(model, flat, train, o);
    const onnx = new OnnxTrainEngine(ort!, model, flat, train, { ...o, threads: 1 });
    await tfjs.epoch(order, 1e-3, 0);
    await onnx.epoch(order, 1e-3, 0);
    const [a, b] = [await tfjs.params(), await onnx.params()];
    const moved = Math.max(...Array.from(a, (v, i) => Math.abs(v - flat[i])));
    expect(moved).toBeGreaterThan(1e-3); // four Adam steps of about lr each
    expect(Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-5);
    expect(Math.abs((await onnx.loss()) - (await tfjs.loss())) / Math.abs(await tfjs.loss())).toBeLessThan(1e-5);
    const x = rows(6, 12, 16);
    const opts = { samples: 8, seed: 2 };
    expect(maxRel((await onnx.score(x, 6, opts)).logPx, (await tfjs.score(x, 6, opts)).logPx)).toBeLessThan(1e-5);
    const other = perturbed(SMALL, 17).flat;
    await onnx.setParams(other);
    expect(maxRel((await onnx.score(x, 6, opts)).logPx, scoreRows(model, model.layout.toTensors(other), x, 6, opts).logPx)).toBeLessThan(1e-5);
    await tfjs.close();
    await onnx.close();
  });

  it('repeats to the bit: the same seed trains the same parameters (1 or 2 threads)', async () => {
    const { model, flat } = perturbed(SMALL, 18);
    const train = rows(32, 12, 19);
    const order = Int32Array.from({ length: 32 }, (_, i) => (i * 5) % 32);
    const run = async (threads: number) => {
      const e = new OnnxTrainEngine(ort!, model, flat, train, { batchSize: 8, seed: 4, adam: { ...ADAM }, threads });
      await e.epoch(order, 1e-3, 0);
      const p = await e.params();
      await e.close();
      return p;
    };
    const [a, b, c] = [await run(2), await run(2), await run(1)];
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(true);
  });
});
