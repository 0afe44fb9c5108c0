import { describe, expect, it } from 'vitest';
import { GaussianKde, bandwidthFor } from '../../src/lib/decision/kde.ts';
import { normalCdf } from '../../src/lib/decision/normal-cdf.ts';
import { Random } from '../../src/lib/util/random.ts';

describe('normal CDF', () => {
  it('matches tabulated values, with relative accuracy in the far tail', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 7);
    expect(normalCdf(-3.090232306)).toBeCloseTo(0.001, 8);
    expect(normalCdf(-6) / 9.865876450377e-10).toBeCloseTo(1, 5);
  });
});

describe('Gaussian KDE p-value', () => {
  it('gives a p-value of about 0.001 to -3.09 under a large N(0, 1) sample', () => {
    const r = new Random(1);
    const kde = new GaussianKde(Array.from({ length: 100_000 }, () => r.normal()));
    // Silverman: h = 0.9 min(std, IQR / 1.34) n^(-1/5), about 0.09 here; the KDE is then close to N(0, 1 + h^2)
    expect(kde.bandwidth).toBeGreaterThan(0.085);
    expect(kde.bandwidth).toBeLessThan(0.095);
    const p = kde.pValue(-3.09);
    expect(Math.abs(p - 0.001)).toBeLessThan(0.0002);
    expect(kde.pValue(0)).toBeCloseTo(0.5, 2);
    expect(kde.pValue(-Infinity)).toBe(0);
  });

  it('is the mean of the kernels’ CDFs (hand-computed on two points)', () => {
    const kde = new GaussianKde([0, 1], 'silverman', 0.5);
    expect(kde.pValue(0.25)).toBeCloseTo((normalCdf(0.5) + normalCdf(-1.5)) / 2, 12);
    expect(kde.pValue(-1.5) / ((normalCdf(-3) + normalCdf(-5)) / 2)).toBeCloseTo(1, 6);
    expect(kde.pValue(40)).toBe(1);
  });

  it('states its bandwidth rules: Silverman uses the smaller of std and IQR / 1.34, Scott the std', () => {
    const s = Float64Array.from([1, 2, 3, 4, 100]); // std 43.4, IQR 2
    const n5 = 5 ** -0.2;
    expect(bandwidthFor(s, 'silverman')).toBeCloseTo(0.9 * (2 / 1.34) * n5, 10);
    const mean = 22;
    const std = Math.sqrt(([1, 2, 3, 4, 100].reduce((a, v) => a + (v - mean) ** 2, 0)) / 4);
    expect(bandwidthFor(s, 'scott')).toBeCloseTo(1.06 * std * n5, 10);
  });

  it('round-trips through JSON', () => {
    const kde = new GaussianKde([3, 1, 2, 5]);
    const back = GaussianKde.fromJSON(JSON.parse(JSON.stringify(kde.toJSON())));
    expect(back.bandwidth).toBe(kde.bandwidth);
    expect(back.pValue(2.5)).toBe(kde.pValue(2.5));
  });
});
