import { describe, expect, it } from 'vitest';
import { useBackend } from '../../src/lib/backend/backend.ts';
import { cpuSession, loadOrt, type OrtModule } from '../../src/lib/backend/onnxruntime.ts';
import { DEFAULT_VAE, type VaeConfig } from '../../src/lib/model/config.ts';
import { LocalEngine } from '../../src/lib/model/local-engine.ts';
import { OnnxScorer, OnnxScoringEngine } from '../../src/lib/model/onnx/onnx-engine.ts';
import { encodeModel } from '../../src/lib/model/onnx/proto.ts';
import { scoreGraphProblem } from '../../src/lib/model/onnx/score-graph.ts';
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

const maxRel = (a: Float64Array, b: Float64Array) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]) / Math.max(1, Math.abs(v))));

describe.skipIf(ort === null)('the flow-VAE scored by onnxruntime', () => {
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
      expect(scoreGraphProblem(model)).toBeNull();
      const x = rows(10, 12, 5);
      const opts = { samples: 16, seed: 3 };
      const tfjs = scoreRows(model, model.layout.toTensors(flat), x, 10, opts);
      const scorer = new OnnxScorer(ort!, model, flat, 1);
      const onnx = await scorer.score(x, 10, opts);
      await scorer.close();
      expect(maxRel(tfjs.logPx, onnx.logPx)).toBeLessThan(1e-5);
      expect(maxRel(tfjs.elbo, onnx.elbo)).toBeLessThan(1e-5);
      // and the numbers are not degenerate: rows differ
      expect(new Set(Array.from(onnx.logPx, (v) => v.toFixed(3))).size).toBe(10);
    }
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
    expect(scoreGraphProblem(new FlowVae({ ...SMALL, flow: 'planar' }))).toMatch(/planar flow has no ONNX scoring graph/);
  });

  it('the scoring engine rebuilds its graph when the parameters change', async () => {
    const a = perturbed(SMALL, 8);
    const b = perturbed(SMALL, 9);
    const x = rows(6, 12, 10);
    const opts = { samples: 8, seed: 2 };
    const inner = new LocalEngine(a.model, a.flat, new Float32Array(0), { batchSize: 4, seed: 1, adam: ADAM });
    const engine = new OnnxScoringEngine(inner, ort!, a.model, 1);
    const first = await engine.score(x, 6, opts);
    await engine.setParams(b.flat);
    const second = await engine.score(x, 6, opts);
    await engine.close();
    expect(maxRel(first.logPx, scoreRows(a.model, a.model.layout.toTensors(a.flat), x, 6, opts).logPx)).toBeLessThan(1e-5);
    expect(maxRel(second.logPx, scoreRows(b.model, b.model.layout.toTensors(b.flat), x, 6, opts).logPx)).toBeLessThan(1e-5);
  });
});
