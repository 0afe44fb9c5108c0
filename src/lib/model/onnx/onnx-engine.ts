import { FlatAdam, GradientLayout } from '../adam.ts';
import type { TrainEngine } from '../engine.ts';
import { gatherRows } from '../gradients.ts';
import { stepNoise } from '../noise.ts';
import type { AdamSettings } from '../train-options.ts';
import { OnnxTrainStep } from './train-step.ts';
import { chunkNoise, rowsPerChunk, type ScoreOptions, type ScoreResult } from '../score.ts';
import type { FlowVae } from '../vae.ts';
import { cpuSession, type OrtModule, type OrtSession } from '../../backend/onnxruntime.ts';
import { scoreGraph } from './score-graph.ts';

/**
 * Rows of samples per ONNX run: large enough that the products run near the CPU's peak, small enough that the
 * [rows, hidden] intermediates stay within a few tens of MB.
 */
export const ONNX_CHUNK_ROWS = 8192;

/**
 * Importance-sampled scoring of a flow-VAE by onnxruntime (one graph per chunk of rows, score-graph.ts), with the
 * same noise, keyed per row, as the tfjs path (score.ts): scores agree with it to float32 rounding.
 */
export class OnnxScorer {
  private readonly sessions = new Map<number, Promise<OrtSession>>();

  constructor(
    private readonly ort: OrtModule,
    private readonly model: FlowVae,
    private readonly flat: Float32Array,
    private readonly threads: number,
  ) {}

  private session(samples: number): Promise<OrtSession> {
    let s = this.sessions.get(samples);
    if (!s) {
      s = cpuSession(this.ort, scoreGraph(this.model, this.flat, samples), this.threads);
      this.sessions.set(samples, s);
    }
    return s;
  }

  async score(x: Float32Array, n: number, opts: ScoreOptions, onChunk?: (done: number) => void): Promise<ScoreResult> {
    const D = this.model.config.inputDim;
    const Z = this.model.config.zDim;
    const L = opts.samples;
    const session = await this.session(L);
    const per = rowsPerChunk(opts, ONNX_CHUNK_ROWS);
    const logPx = new Float64Array(n);
    const elbo = new Float64Array(n);
    const feeds = (start: number) => {
      const b = Math.min(per, n - start);
      return {
        x: new this.ort.Tensor('float32', x.slice(start * D, (start + b) * D), [b, D]),
        eps: new this.ort.Tensor('float32', chunkNoise(opts, start, b, Z), [L * b, Z]),
      };
    };
    // the next chunk's noise is drawn in JavaScript while onnxruntime's threads run this chunk
    let next = n > 0 ? feeds(0) : null;
    for (let start = 0; start < n; start += per) {
      const running = session.run(next!);
      next = start + per < n ? feeds(start + per) : null;
      const out = await running;
      logPx.set(out.logPx.data, start);
      elbo.set(out.elbo.data, start);
      onChunk?.(start + out.logPx.data.length);
    }
    return { logPx, elbo };
  }

  async close(): Promise<void> {
    for (const s of this.sessions.values()) await (await s).release();
    this.sessions.clear();
  }
}

/**
 * Training and scoring on onnxruntime: each SGVB step is one graph run (train-graph.ts: forward and backward of
 * the data term), Adam (with the L2 penalty) the WebAssembly kernel's FlatAdam on the host parameters, as the wasm
 * workers do; the noise of each step and the batches are the wasm engine's. Scoring by OnnxScorer, rebuilt
 * whenever the parameters changed.
 */
export class OnnxTrainEngine implements TrainEngine {
  readonly description: string;
  private readonly adam: FlatAdam;
  private step: OnnxTrainStep | null = null;
  private scorer: OnnxScorer | null = null;
  private lossSum = 0;
  private steps = 0;
  private rows: Float32Array | null = null;

  constructor(
    private readonly ort: OrtModule,
    private readonly model: FlowVae,
    private flat: Float32Array,
    private readonly train: Float32Array,
    private readonly opts: { batchSize: number; seed: number; adam: AdamSettings; threads: number },
  ) {
    this.flat = flat.slice();
    this.adam = new FlatAdam(new GradientLayout(model.layout), opts.adam, undefined, model.config.l2);
    this.description = `onnxruntime, ${opts.threads} thread${opts.threads === 1 ? '' : 's'} (training and scoring)`;
  }

  private async stale(): Promise<void> {
    await this.scorer?.close();
    this.scorer = null;
  }

  async epoch(order: Int32Array, lr: number, firstStep: number, onStep?: (done: number) => void): Promise<void> {
    await this.stale();
    const B = this.opts.batchSize;
    const D = this.model.config.inputDim;
    const Z = this.model.config.zDim;
    const steps = Math.floor(order.length / B);
    this.step ??= await OnnxTrainStep.open(this.ort, this.model, B, this.opts.threads);
    this.rows ??= new Float32Array(B * D);
    this.lossSum = 0;
    this.steps = 0;
    for (let s = 0; s < steps; s++) {
      const x = gatherRows(this.train, D, order, s * B, (s + 1) * B, this.rows);
      const { loss, grads } = await this.step.run(this.flat, x, stepNoise(this.opts.seed, firstStep + s, B, Z));
      this.lossSum += loss + this.adam.step(this.flat, grads, lr);
      this.steps++;
      onStep?.(s + 1);
    }
  }

  async loss(): Promise<number> {
    return this.steps === 0 ? NaN : this.lossSum / this.steps;
  }

  async score(x: Float32Array, n: number, opts: ScoreOptions, onRows?: (done: number) => void): Promise<ScoreResult> {
    this.scorer ??= new OnnxScorer(this.ort, this.model, this.flat.slice(), this.opts.threads);
    return this.scorer.score(x, n, opts, onRows);
  }

  async params(): Promise<Float32Array> {
    return this.flat.slice();
  }

  async setParams(flat: Float32Array): Promise<void> {
    await this.stale();
    this.flat = flat.slice();
  }

  async close(): Promise<void> {
    await this.stale();
    await this.step?.close();
    this.step = null;
  }
}
