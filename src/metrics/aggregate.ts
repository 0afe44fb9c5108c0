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
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, std: NaN, n };
  const ss = xs.reduce((a, x) => a + (x - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (n - 1)), n };
}
