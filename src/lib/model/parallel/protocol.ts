import type { VaeConfig } from '../config.ts';
import type { ScoreOptions } from '../score.ts';
import type { AdamSettings } from '../train-options.ts';

/** What a training/scoring worker is started with. */
export interface WorkerInit {
  index: number;
  count: number;
  backend: string;
  config: VaeConfig;
  /** The parameters, shared: each worker updates its part of them, all read them all. */
  params: SharedArrayBuffer;
  batchSize: number;
  seed: number;
  adam: AdamSettings;
  /** Training rows (row-major, inputDim wide), shared by all workers. */
  train: SharedArrayBuffer;
  trainRows: number;
  /** Gradient slots: count x gradient size floats. */
  grads: SharedArrayBuffer;
  /** Per-step partial losses: count float64 (each worker's data term), then count float64 (its part of the L2 penalty). */
  losses: SharedArrayBuffer;
  /** The barrier's cells. */
  sync: SharedArrayBuffer;
}

export type ToWorker =
  | { type: 'epoch'; order: Int32Array; lr: number; firstStep: number }
  | { type: 'score'; x: Float32Array; n: number; opts: ScoreOptions }
  | { type: 'reload-params' }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'step'; done: number; loss: number }
  | { type: 'epoch-done' }
  | { type: 'score-progress'; done: number }
  | { type: 'scored'; logPx: Float64Array; elbo: Float64Array }
  | { type: 'ok' }
  | { type: 'error'; message: string; stack?: string };
