import { describe, expect, it } from 'vitest';
import { fitGpd, gpdLogLikelihood, potThreshold } from '../../src/lib/decision/pot.ts';
import { Random } from '../../src/lib/util/random.ts';

/** n draws of GPD(gamma, sigma) by inversion: y = sigma / gamma (U^(-gamma) - 1), or -sigma ln U for gamma = 0. */
function gpdSample(n: number, gamma: number, sigma: number, seed: number): Float64Array {
  const r = new Random(seed);
  return Float64Array.from({ length: n }, () => {
    const u = 1 - r.next();
    return gamma === 0 ? -sigma * Math.log(u) : (sigma / gamma) * (u ** -gamma - 1);
  });
}

describe('GPD fit', () => {
  it.each([
    [0, 1],
    [0.5, 2],
    [-0.25, 1],
  ])('recovers shape %d and scale %d from 5000 draws (Grimshaw MLE)', (gamma, sigma) => {
    const y = gpdSample(5000, gamma, sigma, 11);
    const fit = fitGpd(y);
    expect(Math.abs(fit.gamma - gamma)).toBeLessThan(0.05);
    expect(Math.abs(fit.sigma / sigma - 1)).toBeLessThan(0.06);
  });

  it('finds a maximum of the likelihood: no nearby (gamma, sigma) is more likely, and it beats the moments fit', () => {
    const y = gpdSample(2000, 0.3, 1.5, 5);
    const fit = fitGpd(y);
    for (const [dg, ds] of [[0.01, 0], [-0.01, 0], [0, 0.01], [0, -0.01], [0.01, 0.01], [-0.01, -0.01]]) {
      expect(gpdLogLikelihood(y, fit.gamma + dg, fit.sigma * (1 + ds))).toBeLessThan(fit.logLikelihood);
    }
    const moments = fitGpd(y, 'moments');
    expect(moments.logLikelihood).toBeLessThanOrEqual(fit.logLikelihood);
    expect(Math.abs(moments.gamma - 0.3)).toBeLessThan(0.1);
  });

  it('matches the exponential closed form (sigma = mean) when the excesses are exponential-like, and rejects bad input', () => {
    expect(fitGpd([1, 1, 1])).toMatchObject({ gamma: 0, sigma: 1 });
    expect(() => fitGpd([])).toThrow(/no excesses/);
    expect(() => fitGpd([1, -2])).toThrow(/positive/);
  });
});

describe('POT threshold', () => {
  it('on an exponential tail: shape ~0 and z_q ~ -ln q (the true 1 - q quantile of Exp(1))', () => {
    const x = gpdSample(100_000, 0, 1, 3);
    const pot = potThreshold(x, { level: 0.02, q: 1e-4 });
    expect(pot.peaks).toBeGreaterThan(1900);
    expect(pot.peaks).toBeLessThan(2001);
    expect(pot.t0).toBeCloseTo(-Math.log(0.02), 1);
    expect(Math.abs(pot.gamma)).toBeLessThan(0.05);
    expect(pot.sigma).toBeCloseTo(1, 1);
    expect(Math.abs(pot.threshold - -Math.log(1e-4))).toBeLessThan(0.35);
  });

  it('on a Pareto (Lomax) tail: z_q near the true quantile ((q)^(-1/a) - 1), far beyond an exponential guess', () => {
    // Lomax with shape a = 3: P(X > x) = (1 + x)^(-3), a GPD with gamma = 1/3, sigma = 1/3
    const x = gpdSample(50_000, 1 / 3, 1 / 3, 8);
    const pot = potThreshold(x, { level: 0.05, q: 1e-4 });
    const truth = 1e-4 ** (-1 / 3) - 1; // 20.54
    expect(pot.gamma).toBeGreaterThan(0.2);
    expect(Math.abs(pot.threshold / truth - 1)).toBeLessThan(0.2);
  });

  it('is the formula of SPOT: t0 at index floor((1 - level) n), peaks strictly above it', () => {
    const x = Float64Array.from({ length: 1000 }, (_, i) => i + 1); // 1..1000
    const pot = potThreshold(x, { level: 0.01, q: 1e-3 });
    expect(pot.t0).toBe(991);
    expect(pot.peaks).toBe(9);
    const r = (1e-3 * 1000) / 9;
    const expected = pot.gamma === 0 ? pot.t0 - pot.sigma * Math.log(r) : pot.t0 + (pot.sigma / pot.gamma) * (r ** -pot.gamma - 1);
    expect(pot.threshold).toBeCloseTo(expected, 9);
    expect(pot.threshold).toBeGreaterThan(pot.t0);
    expect(potThreshold([5, 5, 5, 5]).threshold).toBe(5);
    expect(() => potThreshold([1, 2], { level: 1.5 })).toThrow(/level/);
  });
});
