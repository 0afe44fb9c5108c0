import { Random } from '../../src/lib/util/random.ts';
import { LOG_2PI, logSumExp } from '../../src/lib/density/logsumexp.ts';
import type { DensityModel, Rows } from '../../src/lib/density/density-model.ts';
import { custom, defaultsOf, int, num, optionSchema, z, type OptionsOfShape } from '../../src/lib/options/schema.ts';
import { subsample } from '../gmm/gmm.ts';

/** The rules for the kernel bandwidth (a fixed number is the other choice). */
export const KERNEL_BANDWIDTH_RULES = ['scott', 'silverman'] as const;
export type BandwidthRule = (typeof KERNEL_BANDWIDTH_RULES)[number];

/** The KDE's own options as part of a method's option schema (the detector adds DENSITY_OPTIONS, the seed among them). */
export const KDE_MODEL_OPTIONS = {
  kernelBandwidth: custom(z.union([z.enum(KERNEL_BANDWIDTH_RULES), z.number().gt(0)]), 'scott', {
    doc: "Per-dimension bandwidth h_j = factor x std_j with Scott's factor n^(-1/(d+4)) or Silverman's (4/(d+2))^(1/(d+4)) n^(-1/(d+4)); or one fixed bandwidth (a number > 0) for every dimension",
  }),
  stdFloor: num(0.1, { gt: 0 }, { doc: 'Lower bound on std_j before the rule is applied (constant -1 columns of normalised STVs have std 0)' }),
  maxReference: int(5000, { min: 1 }, { doc: 'Reference points kept: exact up to this many training rows, else a seeded subsample of this size' }),
};

export type KdeOptions = OptionsOfShape<typeof KDE_MODEL_OPTIONS> & { seed: number };

const KDE_MODEL_DEFAULTS: KdeOptions = { ...defaultsOf(optionSchema(KDE_MODEL_OPTIONS)), seed: 1 };

/**
 * Multivariate Gaussian kernel density with a diagonal bandwidth (product kernel):
 * log p(x) = logsumexp_i( -1/2 sum_j ((x_j - x_ij)/h_j)^2 ) - log n - sum_j log h_j - d/2 log(2 pi).
 */
export class MultivariateKde implements DensityModel {
  readonly name = 'kde';
  readonly options: KdeOptions;
  private ref: Rows | null = null;
  /** Bandwidth per dimension after fitting. */
  h = new Float64Array(0);
  /** Rows of training data actually used as kernel centres. */
  referenceRows = 0;

  constructor(opts: Partial<KdeOptions> = {}) {
    this.options = { ...KDE_MODEL_DEFAULTS, ...opts };
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
