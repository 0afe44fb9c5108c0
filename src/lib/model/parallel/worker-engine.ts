import type { Worker } from 'node:worker_threads';
import { GradientLayout } from '../adam.ts';
import type { VaeConfig } from '../config.ts';
import type { TrainEngine } from '../engine.ts';
import type { ScoreOptions, ScoreResult } from '../score.ts';
import type { AdamSettings } from '../train-options.ts';
import { FlowVae } from '../vae.ts';
import { Barrier } from './barrier.ts';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.ts';
import { startTsWorker } from './spawn.ts';

type Handler = (m: FromWorker) => boolean;

/** One worker thread with a queue of reply handlers; the first handler that accepts a message consumes it. */
class Peer {
  private handlers: Handler[] = [];
  private failure: Error | null = null;
  constructor(readonly worker: Worker) {
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'error') return this.fail(new Error(`model worker: ${m.message}${m.stack ? `\n${m.stack}` : ''}`));
      for (const h of this.handlers) if (h(m)) break;
    });
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) => {
      if (code !== 0) this.fail(new Error(`model worker exited with code ${code}`));
    });
  }
  private fail(e: Error): void {
    this.failure ??= e;
    for (const h of this.handlers.splice(0)) h({ type: 'error', message: e.message });
  }
  post(m: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(m, transfer);
  }
  /** Waits for a reply of type `type`, passing other messages to `onOther`. */
  expect<T extends FromWorker['type']>(type: T, onOther?: (m: FromWorker) => void): Promise<Extract<FromWorker, { type: T }>> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const h: Handler = (m) => {
        if (m.type === 'error') {
          reject(this.failure ?? new Error(m.message));
          return true;
        }
        if (m.type === type) {
          this.handlers.splice(this.handlers.indexOf(h), 1);
          resolve(m as Extract<FromWorker, { type: T }>);
          return true;
        }
        if (onOther) {
          onOther(m);
          return true;
        }
        return false;
      };
      this.handlers.push(h);
    });
  }
}

/**
 * Data-parallel training and scoring over worker threads, each with its own wasm backend (wasm has no threads
 * in Node, so this is how it uses several cores). Every worker keeps a full replica of the model, computes the
 * gradient of its share of each batch, writes it to shared memory and waits at a barrier; then each sums the
 * shares in the same order and applies the same Adam update, so the replicas stay identical without shipping
 * weights. Scoring splits the rows among the workers.
 */
export class WorkerEngine implements TrainEngine {
  readonly description: string;
  private lossSum = 0;
  private steps = 0;

  private constructor(private readonly peers: Peer[], backend: string, private readonly shared: Float32Array) {
    this.description = `${backend}, ${peers.length} worker threads`;
  }

  static async start(
    config: VaeConfig,
    params: Float32Array,
    train: Float32Array,
    opts: { workers: number; backend: string; batchSize: number; seed: number; adam: AdamSettings },
  ): Promise<WorkerEngine> {
    const count = Math.max(1, opts.workers);
    const G = new GradientLayout(new FlowVae(config).layout).size;
    const shared = new SharedArrayBuffer(train.byteLength);
    new Float32Array(shared).set(train);
    const sharedParams = new SharedArrayBuffer(params.byteLength);
    const paramView = new Float32Array(sharedParams);
    paramView.set(params);
    const grads = new SharedArrayBuffer(count * G * 4);
    const losses = new SharedArrayBuffer(2 * count * 8);
    const sync = new SharedArrayBuffer(Barrier.BYTES);
    const trainRows = train.length / config.inputDim;
    const peers: Peer[] = [];
    for (let index = 0; index < count; index++) {
      const init: WorkerInit = { index, count, backend: opts.backend, config, params: sharedParams, batchSize: opts.batchSize, seed: opts.seed, adam: opts.adam, train: shared, trainRows, grads, losses, sync };
      peers.push(new Peer(startTsWorker(new URL('./worker.ts', import.meta.url), init)));
    }
    const engine = new WorkerEngine(peers, opts.backend, paramView);
    try {
      await Promise.all(peers.map((p) => p.expect('ready')));
    } catch (e) {
      await engine.close();
      throw e;
    }
    return engine;
  }

  async epoch(order: Int32Array, lr: number, firstStep: number, onStep?: (done: number) => void): Promise<void> {
    this.lossSum = 0;
    this.steps = 0;
    const done = this.peers.map((p, i) =>
      p.expect('epoch-done', (m) => {
        if (i === 0 && m.type === 'step') {
          this.lossSum += m.loss;
          this.steps = m.done;
          onStep?.(m.done);
        }
      }),
    );
    for (const p of this.peers) p.post({ type: 'epoch', order, lr, firstStep });
    await this.guard(Promise.all(done));
  }

  async loss(): Promise<number> {
    return this.steps > 0 ? this.lossSum / this.steps : NaN;
  }

  async score(x: Float32Array, n: number, opts: ScoreOptions, onRows?: (done: number) => void): Promise<ScoreResult> {
    const D = x.length / n;
    const count = Math.min(this.peers.length, n);
    const progress = new Array<number>(count).fill(0);
    const parts: Promise<Extract<FromWorker, { type: 'scored' }>>[] = [];
    const bounds: number[] = [];
    for (let w = 0; w < count; w++) {
      const lo = Math.floor((w * n) / count);
      const hi = Math.floor(((w + 1) * n) / count);
      bounds.push(lo);
      parts.push(
        this.peers[w].expect('scored', (m) => {
          if (m.type === 'score-progress') {
            progress[w] = m.done;
            onRows?.(progress.reduce((a, b) => a + b, 0));
          }
        }),
      );
      const slice = x.slice(lo * D, hi * D);
      const part: ScoreOptions = opts.keys ? { ...opts, keys: opts.keys.slice(lo, hi) } : { ...opts, firstRow: (opts.firstRow ?? 0) + lo };
      this.peers[w].post({ type: 'score', x: slice, n: hi - lo, opts: part }, [slice.buffer]);
    }
    const results = await this.guard(Promise.all(parts));
    const logPx = new Float64Array(n);
    const elbo = new Float64Array(n);
    results.forEach((r, w) => {
      logPx.set(r.logPx, bounds[w]);
      elbo.set(r.elbo, bounds[w]);
    });
    return { logPx, elbo };
  }

  /** The workers are idle between calls, so the shared parameters can be read and written directly. */
  async params(): Promise<Float32Array> {
    return this.shared.slice();
  }

  async setParams(flat: Float32Array): Promise<void> {
    this.shared.set(flat);
    const replies = this.peers.map((p) => p.expect('ok'));
    for (const p of this.peers) p.post({ type: 'reload-params' });
    await this.guard(Promise.all(replies));
  }

  async close(): Promise<void> {
    await Promise.all(this.peers.map((p) => p.worker.terminate()));
  }

  /** On any worker failure, stops them all (a worker blocked at the barrier would wait forever). */
  private async guard<T>(p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (e) {
      await this.close();
      throw e;
    }
  }
}
