import { describe, expect, it } from 'vitest';
import { GaussianMixture } from '../../baselines/gmm/gaussian-mixture.ts';
import { GmmDensity } from '../../baselines/gmm/gmm.ts';
import { Random } from '../../src/lib/util/random.ts';
import type { Rows } from '../../src/lib/density/density-model.ts';
import { GMM_OPTIONS } from '../../baselines/gmm/detector.ts';
import { checkOptions, defaultsOf } from '../../src/lib/options/schema.ts';

/** n rows from 0.3 N((-2, 0), diag(0.25, 1)) + 0.7 N((3, 1), [[1, 0.6], [0.6, 1]]). */
function mixture(n: number, seed: number): Rows {
  const rng = new Random(seed);
  const values = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const a = rng.normal();
    const b = rng.normal();
    if (rng.next() < 0.3) {
      values[2 * i] = -2 + 0.5 * a;
      values[2 * i + 1] = b;
    } else {
      // Cholesky of [[1, .6], [.6, 1]] = [[1, 0], [.6, .8]]
      values[2 * i] = 3 + a;
      values[2 * i + 1] = 1 + 0.6 * a + 0.8 * b;
    }
  }
  return { n, d: 2, values };
}

describe('GMM by EM', () => {
  it('recovers a known 2-component mixture, the number of components chosen by BIC', () => {
    const x = mixture(4000, 1);
    const gmm = new GmmDensity({ components: [1, 2, 3, 4], covariance: 'full', seed: 5 });
    gmm.fit(x);
    const m = gmm.model!;
    expect(m.components).toBe(2);
    const order = m.means[0][0] < m.means[1][0] ? [0, 1] : [1, 0];
    const w = m.weights;
    expect(w[order[0]]).toBeCloseTo(0.3, 1);
    expect(Math.abs(m.means[order[0]][0] + 2)).toBeLessThan(0.1);
    expect(Math.abs(m.means[order[0]][1])).toBeLessThan(0.1);
    expect(Math.abs(m.means[order[1]][0] - 3)).toBeLessThan(0.1);
    expect(Math.abs(m.means[order[1]][1] - 1)).toBeLessThan(0.1);
    // density at the second mean: 0.7 * N(0; 0, S) (the first component is ~5 std away) = 0.7 / (2 pi * 0.8)
    const at = m.logDensity({ n: 1, d: 2, values: Float64Array.of(3, 1) })[0];
    expect(Math.exp(at)).toBeCloseTo(0.7 / (2 * Math.PI * 0.8), 2);
  });

  it.each(['full', 'diag'] as const)('never lowers the log-likelihood across EM steps (%s, floor active)', (covariance) => {
    const x = mixture(600, 2);
    // a constant column makes the variance floor bind
    const values = new Float64Array(600 * 3);
    for (let i = 0; i < 600; i++) values.set([x.values[2 * i], x.values[2 * i + 1], -1], 3 * i);
    const m = new GaussianMixture({ components: 3, covariance, varianceFloor: 1e-3, maxIter: 60, tol: 0, seed: 3 }).fit({ n: 600, d: 3, values });
    expect(m.logLikelihoods.length).toBe(60);
    for (let i = 1; i < m.logLikelihoods.length; i++) expect(m.logLikelihoods[i]).toBeGreaterThanOrEqual(m.logLikelihoods[i - 1] - 1e-9);
    expect(m.logLikelihoods.at(-1)! - m.logLikelihoods[0]).toBeGreaterThan(0);
  });

  it('with one component is the ML Gaussian: its log density matches the closed form', () => {
    const rows = Float64Array.of(0, 0, 2, 0, 0, 2, 2, 2);
    const m = new GaussianMixture({ components: 1, covariance: 'full', varianceFloor: 1e-6, maxIter: 5, tol: 0, seed: 1 }).fit({ n: 4, d: 2, values: rows });
    // mean (1, 1), covariance I: log N((1, 1)) = -log(2 pi)
    expect(m.logDensity({ n: 1, d: 2, values: Float64Array.of(1, 1) })[0]).toBeCloseTo(-Math.log(2 * Math.PI), 10);
    expect(m.logDensity({ n: 1, d: 2, values: Float64Array.of(3, 1) })[0]).toBeCloseTo(-Math.log(2 * Math.PI) - 2, 10);
  });
});

describe('gmm options', () => {
  it('reject a value out of range, naming the option and its range', () => {
    expect(() => checkOptions('gmm', GMM_OPTIONS, { maxIter: -1 })).toThrow('gmm: option "maxIter" must be an integer >= 1, found -1');
    expect(() => checkOptions('gmm', GMM_OPTIONS, { components: [0, 2] })).toThrow(/gmm: option "components" must be a non-empty list of integers >= 1/);
    expect(() => checkOptions('gmm', GMM_OPTIONS, { covariance: 'spherical' })).toThrow(/gmm: option "covariance" must be one of auto, full, diag/);
  });

  it('default to the old values', () => {
    expect(defaultsOf(GMM_OPTIONS)).toEqual({
      components: [1, 2, 3, 4, 5, 6, 7, 8],
      covariance: 'auto',
      varianceFloor: 1e-3,
      maxIter: 100,
      tol: 1e-4,
      maxRows: 20_000,
      validFraction: 0.1,
      calibration: 'crossfit',
      folds: 5,
      seed: 1,
      definition: 'prefix',
      edgeLabel: 'service',
      alpha: 0.001,
      bandwidth: 'silverman',
    });
    expect(new GmmDensity().options).toEqual({ components: [1, 2, 3, 4, 5, 6, 7, 8], covariance: 'auto', varianceFloor: 1e-3, maxIter: 100, tol: 1e-4, maxRows: 20_000, seed: 1 });
  });
});
