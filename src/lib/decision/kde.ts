import { quantileSorted, sampleStandardDeviation } from 'simple-statistics';
import { normalCdf } from './normal-cdf.ts';

export const BANDWIDTH_RULES = ['silverman', 'scott'] as const;
export type BandwidthRule = (typeof BANDWIDTH_RULES)[number];

export interface KdeJson {
  rule: BandwidthRule;
  bandwidth: number;
  samples: number[];
}

/**
 * A one-dimensional Gaussian kernel density estimate over the log p(x) of normal (validation) traces (paper
 * sec. III-D), and the left-tail p-value of a new value under it: P(X <= x) = (1/n) sum_i Phi((x - x_i) / h).
 * Bandwidth rules: Silverman's rule of thumb h = 0.9 min(std, IQR / 1.34) n^(-1/5) (the default; robust to the
 * long left tail that log p(x) has) or Scott's h = 1.06 std n^(-1/5).
 */
export class GaussianKde {
  private readonly sorted: Float64Array;

  constructor(samples: ArrayLike<number>, readonly rule: BandwidthRule = 'silverman', bandwidth?: number) {
    const finite = Array.from(samples).filter(Number.isFinite);
    if (finite.length < 2) throw new Error('a KDE needs at least 2 finite samples');
    this.sorted = Float64Array.from(finite).sort();
    this.bandwidth = bandwidth ?? bandwidthFor(this.sorted, rule);
  }

  readonly bandwidth: number;

  get size(): number {
    return this.sorted.length;
  }

  /** P(X <= x) under the estimate: the p-value of a left-tail test (small log p(x) = anomalous). */
  pValue(x: number): number {
    if (Number.isNaN(x)) return NaN;
    if (x === -Infinity) return 0;
    if (x === Infinity) return 1;
    const h = this.bandwidth;
    const s = this.sorted;
    // kernels more than 40 bandwidths away contribute 0 or 1 exactly in double precision
    const left = x - 40 * h;
    const right = x + 40 * h;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid] < left) lo = mid + 1;
      else hi = mid;
    }
    let sum = lo; // samples far below x: Phi = 1
    for (let i = lo; i < s.length && s[i] <= right; i++) sum += normalCdf((x - s[i]) / h);
    return sum / s.length;
  }

  toJSON(): KdeJson {
    return { rule: this.rule, bandwidth: this.bandwidth, samples: Array.from(this.sorted) };
  }

  static fromJSON(j: KdeJson): GaussianKde {
    return new GaussianKde(j.samples, j.rule, j.bandwidth);
  }
}

export function bandwidthFor(sorted: Float64Array, rule: BandwidthRule): number {
  const n = sorted.length;
  const xs = Array.from(sorted);
  const std = sampleStandardDeviation(xs);
  const scale = n ** -0.2;
  if (rule === 'scott') return Math.max(1.06 * std * scale, 1e-12);
  // quantiles by linear interpolation between order statistics (R's type 7)
  const iqr = quantileSorted(xs, 0.75) - quantileSorted(xs, 0.25);
  const spread = iqr > 0 ? Math.min(std, iqr / 1.34) : std;
  return Math.max(0.9 * spread * scale, 1e-12);
}
