import { Random } from '../../src/util/random.ts';
import { LOG_2PI, logSumExp } from '../../src/density/logsumexp.ts';
import type { DensityModel, Rows } from '../../src/density/density-model.ts';
import { subsample } from '../gmm/gmm.ts';

export type BandwidthRule = 'scott' | 'silverman';

export interface KdeOptions {
  /**
   * Per-dimension bandwidth h_j = factor * std_j with Scott's factor n^(-1/(d+4)) or Silverman's
   * (4/(d+2))^(1/(d+4)) n^(-1/(d+4)), or one fixed bandwidth for every dimension.
   */
  kernelBandwidth?: BandwidthRule | number;
  /** Lower bound on std_j before the rule is applied (constant -1 columns of normalised STVs have std 0). */
  stdFloor?: number;
  /** Reference points kept: exact up to this many training rows, else a seeded subsample of this size. */
  maxReference?: number;
  seed?: number;
}

/** The options KdeOptions names (the seed comes from the detector's pipeline). */
export const KDE_OPTIONS: readonly (keyof KdeOptions)[] = ['kernelBandwidth', 'stdFloor', 'maxReference'];

/**
 * Multivariate Gaussian kernel density with a diagonal bandwidth (product kernel):
 * log p(x) = logsumexp_i( -1/2 sum_j ((x_j - x_ij)/h_j)^2 ) - log n - sum_j log h_j - d/2 log(2 pi).
 */
export class MultivariateKde implements DensityModel {
  readonly name = 'kde';
  readonly options: Required<KdeOptions>;
  private ref: Rows | null = null;
  /** Bandwidth per dimension after fitting. */
  h = new Float64Array(0);
  /** Rows of training data actually used as kernel centres. */
  referenceRows = 0;

  constructor(opts: KdeOptions = {}) {
    this.options = {
      kernelBandwidth: opts.kernelBandwidth ?? 'scott',
      stdFloor: opts.stdFloor ?? 0.1,
      maxReference: opts.maxReference ?? 5000,
      seed: opts.seed ?? 1,
    };
  }

  fit(x: Rows): void {
    const ref = subsample(x, this.options.maxReference, new Random(this.options.seed));
    const { n, d } = ref;
    const bw = this.options.kernelBandwidth;
    const factor =
      typeof bw === 'number' ? 0 : (bw === 'silverman' ? (4 / (d + 2)) ** (1 / (d + 4)) : 1) * n ** (-1 / (d + 4));
    this.h = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      if (typeof bw === 'number') {
        this.h[j] = bw;
        continue;
      }
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const v = ref.values[i * d + j];
        s += v;
        s2 += v * v;
      }
      const mean = s / n;
      const std = Math.sqrt(Math.max(s2 / n - mean * mean, 0));
      this.h[j] = factor * Math.max(std, this.options.stdFloor);
    }
    // store reference points pre-divided by h, so that scoring is plain squared distances
    const scaled = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) scaled[i * d + j] = ref.values[i * d + j] / this.h[j];
    this.ref = { n, d, values: scaled };
    this.referenceRows = n;
  }

  logDensity(x: Rows): Float64Array {
    const ref = this.ref;
    if (ref === null) throw new Error('KDE is not fitted');
    if (x.d !== ref.d) throw new Error(`KDE fitted on ${ref.d} dimensions, given ${x.d}`);
    const { n, d } = ref;
    let logNorm = Math.log(n) + 0.5 * d * LOG_2PI;
    for (let j = 0; j < d; j++) logNorm += Math.log(this.h[j]);
    const out = new Float64Array(x.n);
    const q = new Float64Array(d);
    const terms = new Float64Array(n);
    for (let t = 0; t < x.n; t++) {
      for (let j = 0; j < d; j++) q[j] = x.values[t * d + j] / this.h[j];
      for (let i = 0; i < n; i++) {
        let s = 0;
        const off = i * d;
        for (let j = 0; j < d; j++) {
          const e = q[j] - ref.values[off + j];
          s += e * e;
        }
        terms[i] = -0.5 * s;
      }
      out[t] = logSumExp(terms) - logNorm;
    }
    return out;
  }
}
