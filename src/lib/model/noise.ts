import { Random } from '../util/random.ts';

/**
 * The model's Gaussian noise comes from streams keyed by (seed, purpose, index) rather than from one running
 * stream, so that results do not depend on how rows are split into batches or among worker threads.
 */
const PURPOSE = { score: 0x5c0e, train: 0x7a11, init: 0x1417 } as const;

function keyed(seed: number, purpose: keyof typeof PURPOSE, index: number): Random {
  const h = Math.imul(seed ^ PURPOSE[purpose], 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77);
  return new Random(h >>> 0);
}

/** L x zDim normals for scoring data row `row`, written into `out` at rows l * stride + offset (row-major, zDim wide). */
export function scoreNoiseInto(seed: number, row: number, L: number, zDim: number, out: Float32Array, stride: number, offset: number): void {
  const r = keyed(seed, 'score', row);
  for (let l = 0; l < L; l++) {
    const base = (l * stride + offset) * zDim;
    for (let k = 0; k < zDim; k++) out[base + k] = r.normal();
  }
}

/** rows x zDim normals for training step `step` (the whole batch, whichever worker computes which rows). */
export function stepNoise(seed: number, step: number, rows: number, zDim: number): Float32Array {
  const r = keyed(seed, 'train', step);
  const out = new Float32Array(rows * zDim);
  for (let i = 0; i < out.length; i++) out[i] = r.normal();
  return out;
}

/** Normals for the data-dependent initialisation batch. */
export function initNoise(seed: number, rows: number, zDim: number): Float32Array {
  const r = keyed(seed, 'init', 0);
  const out = new Float32Array(rows * zDim);
  for (let i = 0; i < out.length; i++) out[i] = r.normal();
  return out;
}
