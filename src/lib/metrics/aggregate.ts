import { mean, sampleStandardDeviation } from 'simple-statistics';

/** Mean and sample standard deviation (n - 1) of the finite values; std is NaN with fewer than two. */
export interface MeanStd {
  mean: number;
  std: number;
  /** Finite values used. */
  n: number;
}

export function meanStd(values: readonly (number | null | undefined)[]): MeanStd {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { mean: NaN, std: NaN, n: 0 };
  return { mean: mean(xs), std: n < 2 ? NaN : sampleStandardDeviation(xs), n };
}
