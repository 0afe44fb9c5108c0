import type { TrainEngine } from '../engine.ts';
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
 * An engine that trains with another engine (wasm workers or this thread) and scores with onnxruntime: the
 * scorer is rebuilt from the inner engine's parameters whenever they changed since the last scoring.
 */
export class OnnxScoringEngine implements TrainEngine {
  readonly description: string;
  private scorer: OnnxScorer | null = null;

  constructor(
    private readonly inner: TrainEngine,
    private readonly ort: OrtModule,
    private readonly model: FlowVae,
    private readonly threads: number,
  ) {
    this.description = `${inner.description}; scoring: onnxruntime, ${threads} thread${threads === 1 ? '' : 's'}`;
  }

  private async stale(): Promise<void> {
    await this.scorer?.close();
    this.scorer = null;
  }

  async epoch(order: Int32Array, lr: number, firstStep: number, onStep?: (done: number) => void): Promise<void> {
    await this.stale();
    return this.inner.epoch(order, lr, firstStep, onStep);
  }

  loss(): Promise<number> {
    return this.inner.loss();
  }

  async score(x: Float32Array, n: number, opts: ScoreOptions, onRows?: (done: number) => void): Promise<ScoreResult> {
    this.scorer ??= new OnnxScorer(this.ort, this.model, await this.inner.params(), this.threads);
    return this.scorer.score(x, n, opts, onRows);
  }

  params(): Promise<Float32Array> {
    return this.inner.params();
  }

  async setParams(flat: Float32Array): Promise<void> {
    await this.stale();
    return this.inner.setParams(flat);
  }

  async close(): Promise<void> {
    await this.stale();
    return this.inner.close();
  }
}
