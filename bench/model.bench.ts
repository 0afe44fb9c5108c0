// npm run bench:model -- training samples/s and scoring traces/s of the flow-VAE at paper size
// (D = 482, K = 10 RealNVP blocks, batch 256, L_z = 500), and the GFLOP/s they amount to, for each backend that
// loads here, side by side in one run: the tfjs backend chosen by --backend (default auto, which takes wasm here)
// and `onnx` (onnxruntime-node's training-step and scoring graphs) from the same initial parameters. Their rounds
// alternate, so that both see the same machine load; before scoring, onnx takes the tfjs engine's parameters, so
// that both score the same model. Also the native sgemm ceiling (onnxruntime's MatMul, 64,000 x 500 by 500 x 964)
// where onnxruntime loads.
// Options: --backend B (default auto), --workers N (default 2; also onnxruntime's threads), --epochs N (timed
// rounds, default 3), --traces N (traces per scoring round, default 48). Each figure is the best round and the
// mean of the rounds.
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { describeBackend, useBackend, type BackendChoice } from '../src/lib/backend/backend.ts';
import { cpuSession, loadOrt, type OrtModule } from '../src/lib/backend/onnxruntime.ts';
import { DEFAULT_VAE, type VaeConfig } from '../src/lib/model/config.ts';
import type { TrainEngine } from '../src/lib/model/engine.ts';
import { OnnxTrainEngine } from '../src/lib/model/onnx/onnx-engine.ts';
import { encodeModel } from '../src/lib/model/onnx/proto.ts';
import { openEngine } from '../src/lib/model/trainer.ts';
import { ADAM, DEFAULT_TRAIN } from '../src/lib/model/train-options.ts';
import { FlowVae } from '../src/lib/model/vae.ts';
import { Random } from '../src/lib/util/random.ts';
import { syntheticStvRows } from './synthetic-traces.ts';
import { exitOnError } from '../src/harness/cli/script.ts';

const fmt = (v: number) => Math.round(v).toLocaleString('en-US');

exitOnError('bench:model');
const { values: o } = parseArgs({ options: { backend: { type: 'string' }, workers: { type: 'string' }, epochs: { type: 'string' }, traces: { type: 'string' } } });
const choice = (o.backend ?? 'auto') as BackendChoice;
// the tfjs side: the backend asked for, with `auto` and `onnx` meaning its tfjs backend (wasm here)
const info = await useBackend(choice === 'auto' || choice === 'onnx' ? 'wasm' : choice);
let ort: OrtModule | null = null;
let ortProblem = '';
try {
  ort = await loadOrt();
} catch (e) {
  ortProblem = String((e as Error).message).split('\n')[0];
}
const workers = Number(o.workers ?? 2);
const D = 482;
const config: VaeConfig = { ...DEFAULT_VAE, inputDim: D };
const model = new FlowVae(config);

/** Multiply-adds of one pass through the generative net and the flow (per latent sample), and the variational net (per row). */
function macs(c: VaeConfig) {
  const chain = (dims: number[]) => dims.slice(1).reduce((a, d, i) => a + dims[i] * d, 0);
  const h = c.hidden;
  const encoder = chain([c.inputDim, ...h]) + 2 * h[h.length - 1] * c.zDim;
  const decoder = chain([c.zDim, ...h]) + 2 * h[h.length - 1] * c.inputDim;
  const n1 = Math.floor(c.zDim / 2);
  const n2 = c.zDim - n1;
  const flow = c.flow === 'rnvp' ? c.flowLength * (n1 * c.couplingHidden + c.couplingHidden * 2 * n2 + c.zDim * c.zDim) : 0;
  return { encoder, decoder, flow };
}
const m = macs(config);
// training: forward + two backward products per layer, less the input gradient of the first layer
const trainFlopsPerSample = 2 * (3 * (m.encoder + m.flow + m.decoder) - config.inputDim * config.hidden[0]);
const L = 500;
const scoreFlopsPerTrace = 2 * (m.encoder + L * (m.flow + m.decoder));

const rng = new Random(1);
const N = 256 * 24;
const x = syntheticStvRows(N, D, rng);

const flat = model.initialParams(rng);
const opts = { ...DEFAULT_TRAIN, workers };
const engine = await openEngine(model, flat, x, opts);
console.log(`${describeBackend(info)}; engine: ${engine.description}`);
if (!ort) console.log(`onnx: not measured (${ortProblem})`);
// other work on this machine lowers these figures, so say how busy it was (a VM's host's load does not show here)
console.log(`load average ${loadavg()[0].toFixed(2)} over the last minute on ${availableParallelism()} cores, before the timed rounds`);
const rounds = Number(o.epochs ?? 3);
const stats = (v: number[]) => ({ best: Math.max(...v), mean: v.reduce((a, b) => a + b, 0) / v.length });
const engines: [string, TrainEngine][] = [[info.name, engine]];
if (ort) engines.push(['onnx', new OnnxTrainEngine(ort, model, flat, x, { batchSize: opts.batchSize, seed: opts.seed, adam: { ...ADAM, clipNorm: opts.clipNorm }, threads: workers })]);
try {
  const order = new Random(2).permutation(N);
  for (const [, e] of engines) await e.epoch(order.subarray(0, 256 * 4), 1e-3, 0); // warm-up
  // timed rounds; the machine is shared, so the best round is the closest to what the code can do
  const train = new Map<string, number[]>(engines.map(([n]) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, e] of engines) {
      const t0 = performance.now();
      await e.epoch(order, 1e-3, (r + 1) * 24);
      train.get(name)!.push(N / ((performance.now() - t0) / 1000));
    }
  }
  for (const [name, e] of engines) {
    const t = stats(train.get(name)!);
    console.log(`training, ${name}: ${fmt(t.best)} samples/s best of ${rounds} rounds of ${N} (mean ${fmt(t.mean)}; rounds ${train.get(name)!.map(fmt).join(' ')}; loss ${(await e.loss()).toFixed(1)}); batch 256, D ${D}, K ${config.flowLength}, z ${config.zDim}; ${(t.best * trainFlopsPerSample / 1e9).toFixed(1)} GFLOP/s in matrix products`);
  }
  if (ort) {
    const ratio = stats(train.get('onnx')!).best / stats(train.get(info.name)!).best;
    console.log(`onnx / ${info.name} training: ${ratio.toFixed(2)}x`);
    await engines[1][1].setParams(await engine.params());
  }

  // scoring: the same parameters, the backends' rounds interleaved
  const scorers = engines;
  const traces = Number(o.traces ?? 48);
  const score = new Map<string, number[]>(scorers.map(([n]) => [n, []]));
  const results = new Map<string, Float64Array[]>(scorers.map(([n]) => [n, []]));
  for (const [, e] of scorers) await e.score(x.subarray(0, 4 * D), 4, { samples: L, seed: 1 }); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (const [name, e] of scorers) {
      const t0 = performance.now();
      const out = await e.score(x.subarray(r * traces * D, (r + 1) * traces * D), traces, { samples: L, seed: 1 });
      score.get(name)!.push(traces / ((performance.now() - t0) / 1000));
      results.get(name)!.push(out.logPx);
    }
  }
  for (const [name] of scorers) {
    const s = stats(score.get(name)!);
    console.log(`scoring, ${name}: ${s.best.toFixed(1)} traces/s at L_z = ${L} best of ${rounds} rounds of ${traces} (mean ${s.mean.toFixed(1)}); ${(s.best * scoreFlopsPerTrace / 1e9).toFixed(1)} GFLOP/s in matrix products`);
  }
  if (ort) {
    const a = results.get(info.name)!.flatMap((v) => [...v]);
    const b = results.get('onnx')!.flatMap((v) => [...v]);
    const rel = Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.abs(v)));
    const ratio = stats(score.get('onnx')!).best / stats(score.get(info.name)!).best;
    console.log(`onnx / ${info.name} scoring: ${ratio.toFixed(2)}x; log p(x) of the same ${a.length} traces agree to ${rel.toExponential(1)} relative`);
    console.log(await sgemmCeiling(ort, workers));
  }
} finally {
  for (const [, e] of engines) await e.close();
}

/** onnxruntime's MatMul on 64,000 x 500 by 500 x 964 (column sums returned, so that no big copy is timed). */
async function sgemmCeiling(ortModule: OrtModule, threads: number): Promise<string> {
  const [M, K, Nc] = [64000, 500, 964];
  const bytes = encodeModel({
    name: 'sgemm',
    inputs: [{ name: 'a', dims: [M, K] }, { name: 'b', dims: [K, Nc] }],
    outputs: [{ name: 's', dims: [Nc] }],
    initializers: [{ name: 'axes', dims: [1], data: BigInt64Array.from([0n]) }],
    nodes: [
      { op: 'MatMul', inputs: ['a', 'b'], outputs: ['c'] },
      { op: 'ReduceSum', inputs: ['c', 'axes'], outputs: ['s'], attrs: { keepdims: 0 } },
    ],
  });
  const session = await cpuSession(ortModule, bytes, threads);
  const r = new Random(5);
  const a = new Float32Array(M * K).map(() => r.next() - 0.5);
  const b = new Float32Array(K * Nc).map(() => r.next() - 0.5);
  const feeds = { a: new ortModule.Tensor('float32', a, [M, K]), b: new ortModule.Tensor('float32', b, [K, Nc]) };
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  await session.release();
  return `native sgemm ceiling (onnxruntime MatMul, ${threads} threads, ${M.toLocaleString('en-US')} x ${K} by ${K} x ${Nc}): ${((2 * M * K * Nc) / best / 1e9).toFixed(1)} GFLOP/s`;
}
