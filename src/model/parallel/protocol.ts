import type { VaeConfig } from '../config.ts';
import type { ScoreOptions } from '../score.ts';
import type { AdamSettings } from '../train-options.ts';

/** What a training/scoring worker is started with. */
export interface WorkerInit {
  index: number;
  count: number;
  backend: string;
  config: VaeConfig;
  params: Float32Array;
  batchSize: number;
  seed: number;
  adam: AdamSettings;
  /** Training rows (row-major, inputDim wide), shared by all workers. */
  train: SharedArrayBuffer;
  trainRows: number;
  /** Gradient slots: 2 (step parity) x count x gradient size floats. */
  grads: SharedArrayBuffer;
  /** Per-step partial losses: 2 x count float64. */
  losses: SharedArrayBuffer;
  /** The barrier's cells. */
  sync: SharedArrayBuffer;
}

export type ToWorker =
  | { type: 'epoch'; order: Int32Array; lr: number; firstStep: number }
  | { type: 'score'; x: Float32Array; n: number; opts: ScoreOptions }
  | { type: 'get-params' }
  | { type: 'set-params'; params: Float32Array }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'step'; done: number; loss: number }
  | { type: 'epoch-done' }
  | { type: 'score-progress'; done: number }
  | { type: 'scored'; logPx: Float64Array; elbo: Float64Array }
  | { type: 'params'; params: Float32Array }
  | { type: 'ok' }
  | { type: 'error'; message: string; stack?: string };
