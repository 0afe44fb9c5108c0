import * as tf from '@tensorflow/tfjs';
import type { Tensors } from './params.ts';
import { scoreNoiseInto } from './noise.ts';
import type { SgvbModel } from './sgvb-model.ts';

export interface ScoreOptions {
  /** L_z, importance samples per row (500). */
  samples: number;
  seed: number;
  /** Index of the first row in the whole data set: row i's noise is keyed by firstRow + i ... */
  firstRow?: number;
  /** ... unless keys are given (one per row, e.g. a hash of the trace id). Either way, results do not depend on how rows are split into chunks or among workers. */
  keys?: Uint32Array;
  /** Rows of samples pushed through the generative net at once (rows of x per chunk = this / samples). */
  chunkRows?: number;
}

export interface ScoreResult {
  /** log p(x) by importance sampling (Eq. 3), per row, in nats. */
  logPx: Float64Array;
  /** The ELBO per row, the mean of the same samples' log weights (<= logPx by Jensen's inequality). */
  elbo: Float64Array;
}

/** Rows of x per chunk: `chunkRows` (or `fallback`) rows of samples, at least one row of x. */
export function rowsPerChunk(opts: ScoreOptions, fallback: number): number {
  return Math.max(1, Math.floor((opts.chunkRows ?? fallback) / opts.samples));
}

/** The noise of rows start .. start + b - 1: L x b x zDim, sample l of row i at row l * b + i, keyed per row. */
export function chunkNoise(opts: ScoreOptions, start: number, b: number, zDim: number): Float32Array {
  const L = opts.samples;
  const eps = new Float32Array(L * b * zDim);
  const first = opts.firstRow ?? 0;
  for (let i = 0; i < b; i++) scoreNoiseInto(opts.seed, opts.keys ? opts.keys[start + i] : first + start + i, L, zDim, eps, b, i);
  return eps;
}

/**
 * Scores `n` rows of `x` (row-major, inputDim wide): log p(x) = log (1/L) sum_l w_l with log-sum-exp, and the
 * ELBO. Calls `onChunk(rowsDone)` after each chunk.
 */
export function scoreRows(model: SgvbModel, p: Tensors, x: Float32Array, n: number, opts: ScoreOptions, onChunk?: (done: number) => void): ScoreResult {
  const D = model.config.inputDim;
  const Z = model.config.zDim;
  const L = opts.samples;
  const per = rowsPerChunk(opts, 4096);
  const logPx = new Float64Array(n);
  const elbo = new Float64Array(n);
  const logL = Math.log(L);
  for (let start = 0; start < n; start += per) {
    const b = Math.min(per, n - start);
    const eps = chunkNoise(opts, start, b, Z);
    const [lp, lb] = tf.tidy(() => {
      const xt = tf.tensor2d(x.subarray(start * D, (start + b) * D), [b, D]);
      const w = model.logWeights(p, xt, tf.tensor2d(eps, [L * b, Z]));
      return [tf.sub(tf.logSumExp(w, 0), logL), tf.mean(w, 0)];
    });
    logPx.set(lp.dataSync(), start);
    elbo.set(lb.dataSync(), start);
    lp.dispose();
    lb.dispose();
    onChunk?.(start + b);
  }
  return { logPx, elbo };
}
