import type { ScoreOptions, ScoreResult } from './score.ts';

/**
 * Where training steps and scoring run: in the calling thread (LocalEngine: GPU and native backends, or one
 * wasm thread) or data-parallel over worker threads (WorkerEngine: wasm). The Trainer drives either.
 */
export interface TrainEngine {
  /** A short description for logs, e.g. 'wasm, 2 worker threads'. */
  readonly description: string;
  /**
   * One epoch: steps of `batchSize` rows of the training data, taken from `order` in turn (an incomplete last
   * batch is skipped, as the reference code does). `firstStep` keys the noise of each step. `onStep(done)` is
   * called as steps finish; `loss()` reads the mean loss of the steps so far (it may synchronise with a device).
   */
  epoch(order: Int32Array, lr: number, firstStep: number, onStep?: (done: number) => void): Promise<void>;
  /** Mean training loss over the steps of the current (or last) epoch. */
  loss(): Promise<number>;
  /** log p(x) and the ELBO of `n` rows of x. */
  score(x: Float32Array, n: number, opts: ScoreOptions, onRows?: (done: number) => void): Promise<ScoreResult>;
  /** A copy of the current parameters (flat, ParamLayout order). */
  params(): Promise<Float32Array>;
  setParams(flat: Float32Array): Promise<void>;
  close(): Promise<void>;
}
