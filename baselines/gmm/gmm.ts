import { Random } from '../../src/lib/util/random.ts';
import type { DensityModel, Rows } from '../../src/lib/density/density-model.ts';
import { choice, defaultsOf, int, intList, num, optionSchema, type OptionsOfShape } from '../../src/lib/options/schema.ts';
import { GaussianMixture } from './gaussian-mixture.ts';

/** The covariance of the mixture's components; 'auto' = full up to 64 dimensions, diagonal above. */
export const GMM_COVARIANCES = ['auto', 'full', 'diag'] as const;

/** The GMM's own options as part of a method's option schema (the detector adds DENSITY_OPTIONS, the seed among them). */
export const GMM_MODEL_OPTIONS = {
  components: intList([1, 2, 3, 4, 5, 6, 7, 8], { min: 1 }, { doc: 'Candidate numbers of components; BIC picks one' }),
  covariance: choice(GMM_COVARIANCES, 'auto', { doc: 'Component covariance; auto: full up to 64 dimensions, diagonal above (full EM is O(n d^2) per step)' }),
  varianceFloor: num(1e-3, { gt: 0 }, { doc: 'Smallest variance (diag) or covariance eigenvalue (full) of a component' }),
  maxIter: int(100, { min: 1 }, { doc: 'Upper bound on EM iterations per candidate' }),
  tol: num(1e-4, { min: 0 }, { doc: 'EM stops when the mean log-likelihood per row improves by less than this' }),
  maxRows: int(20_000, { min: 1 }, { doc: 'Fit on at most this many rows (a seeded subsample); BIC on the same rows' }),
};

export type GmmOptions = OptionsOfShape<typeof GMM_MODEL_OPTIONS> & { seed: number };

const GMM_MODEL_DEFAULTS: GmmOptions = { ...defaultsOf(optionSchema(GMM_MODEL_OPTIONS)), seed: 1 };

/** GMM density for TraceAnomaly's sec. VI: the number of components chosen by BIC over a range. */
export class GmmDensity implements DensityModel {
  readonly name = 'gmm';
  readonly options: GmmOptions;
  model: GaussianMixture | null = null;
  /** BIC per candidate tried. */
  bicByComponents: Record<number, number> = {};

  constructor(opts: Partial<GmmOptions> = {}) {
    this.options = { ...GMM_MODEL_DEFAULTS, ...opts };
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
