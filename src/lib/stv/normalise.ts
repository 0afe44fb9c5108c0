import { ABSENT, type StvMatrix } from './matrix.ts';

/**
 * The STV normalisation of the released reference code (`readdata.py`): keep the dimensions that are valid in
 * some training trace; per dimension, mean and std over the valid training values, std floored at `stdFloor`
 * (1 by default: response times in ms, so spreads under 1 ms are not blown up); a valid value becomes
 * (x - mean) / std and an absent one stays -1.
 */
export interface Normalisation {
  /** Input dimensions kept, in order. */
  columns: number[];
  mean: number[];
  std: number[];
  stdFloor: number;
}

export function fitNormalisation(m: StvMatrix, stdFloor = 1): Normalisation {
  const d = m.width;
  const n = m.ids.length;
  const count = new Float64Array(d);
  const sum = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const off = i * d;
    for (let j = 0; j < d; j++) {
      const v = m.values[off + j];
      if (v !== ABSENT) {
        count[j]++;
        sum[j] += v;
      }
    }
  }
  const mean = new Float64Array(d);
  for (let j = 0; j < d; j++) mean[j] = count[j] > 0 ? sum[j] / count[j] : 0;
  const sq = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const off = i * d;
    for (let j = 0; j < d; j++) {
      const v = m.values[off + j];
      if (v !== ABSENT) sq[j] += (v - mean[j]) ** 2;
    }
  }
  const columns: number[] = [];
  for (let j = 0; j < d; j++) if (count[j] > 0) columns.push(j);
  return {
    columns,
    mean: columns.map((j) => mean[j]),
    std: columns.map((j) => Math.max(Math.sqrt(sq[j] / count[j]), stdFloor)),
    stdFloor,
  };
}

/** Applies a fitted normalisation: the kept columns, valid values standardised, absent ones -1. */
export function normalise(m: StvMatrix, norm: Normalisation): StvMatrix {
  const n = m.ids.length;
  const k = norm.columns.length;
  const out = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    const src = i * m.width;
    const dst = i * k;
    for (let c = 0; c < k; c++) {
      const v = m.values[src + norm.columns[c]];
      out[dst + c] = v === ABSENT ? ABSENT : (v - norm.mean[c]) / norm.std[c];
    }
  }
  const res: StvMatrix = { ids: m.ids, width: k, values: out };
  if (m.dimensionIds) res.dimensionIds = norm.columns.map((j) => m.dimensionIds![j]);
  return res;
}
