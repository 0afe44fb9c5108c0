import { Random } from '../../src/util/random.ts';
import type { DensityModel, Rows } from '../../src/density/density-model.ts';
import { GaussianMixture, type CovarianceType } from './gaussian-mixture.ts';

export interface GmmOptions {
  /** Candidate numbers of components; BIC picks one (default 1..8). */
  components?: number[];
  /** 'auto' = full covariance up to 64 dimensions, diagonal above (full EM is O(n d^2) per step). */
  covariance?: CovarianceType | 'auto';
  varianceFloor?: number;
  maxIter?: number;
  tol?: number;
  /** Fit on at most this many rows (a seeded subsample); BIC on the same rows. */
  maxRows?: number;
  seed?: number;
}

/** The options GmmOptions names (the seed comes from the detector's pipeline). */
export const GMM_OPTIONS: readonly (keyof GmmOptions)[] = ['components', 'covariance', 'varianceFloor', 'maxIter', 'tol', 'maxRows'];

/** GMM density for TraceAnomaly's sec. VI: the number of components chosen by BIC over a range. */
export class GmmDensity implements DensityModel {
  readonly name = 'gmm';
  readonly options: Required<GmmOptions>;
  model: GaussianMixture | null = null;
  /** BIC per candidate tried. */
  bicByComponents: Record<number, number> = {};

  constructor(opts: GmmOptions = {}) {
    this.options = {
      components: opts.components ?? [1, 2, 3, 4, 5, 6, 7, 8],
      covariance: opts.covariance ?? 'auto',
      varianceFloor: opts.varianceFloor ?? 1e-3,
      maxIter: opts.maxIter ?? 100,
      tol: opts.tol ?? 1e-4,
      maxRows: opts.maxRows ?? 20_000,
      seed: opts.seed ?? 1,
    };
  }

  fit(x: Rows): void {
    const o = this.options;
    const rows = subsample(x, o.maxRows, new Random(o.seed));
    const covariance = o.covariance === 'auto' ? (x.d <= 64 ? 'full' : 'diag') : o.covariance;
    let best: { bic: number; model: GaussianMixture } | null = null;
    this.bicByComponents = {};
    for (const k of o.components) {
      if (k > rows.n) continue;
      const model = new GaussianMixture({ components: k, covariance, varianceFloor: o.varianceFloor, maxIter: o.maxIter, tol: o.tol, seed: o.seed + k }).fit(rows);
      const bic = model.bic(rows);
      this.bicByComponents[k] = bic;
      if (best === null || bic < best.bic) best = { bic, model };
    }
    if (best === null) throw new Error('GMM: no candidate number of components fits the data');
    this.model = best.model;
  }

  logDensity(x: Rows): Float64Array {
    if (this.model === null) throw new Error('GMM is not fitted');
    return this.model.logDensity(x);
  }
}

/** At most `max` rows, chosen by a seeded permutation (all rows, in order, when there are fewer). */
export function subsample(x: Rows, max: number, rng: Random): Rows {
  if (x.n <= max) return x;
  const perm = rng.permutation(x.n).subarray(0, max).sort();
  const values = new Float64Array(max * x.d);
  for (let r = 0; r < max; r++) values.set(x.values.subarray(perm[r] * x.d, (perm[r] + 1) * x.d), r * x.d);
  return { n: max, d: x.d, values };
}
