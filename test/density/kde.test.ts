import { describe, expect, it } from 'vitest';
import { MultivariateKde } from '../../baselines/kde/multivariate-kde.ts';
import { KDE_OPTIONS } from '../../baselines/kde/detector.ts';
import { checkOptions, defaultsOf } from '../../src/lib/options/schema.ts';

const normalPdf = (x: number, mu: number, h: number) => Math.exp(-0.5 * ((x - mu) / h) ** 2) / (h * Math.sqrt(2 * Math.PI));

describe('multivariate Gaussian KDE', () => {
  it('matches the closed-form mixture of kernels on a tiny set (fixed bandwidth)', () => {
    const kde = new MultivariateKde({ kernelBandwidth: 0.5 });
    kde.fit({ n: 2, d: 2, values: Float64Array.of(0, 0, 1, 2) });
    const x = [0.3, 0.9];
    const expected = 0.5 * (normalPdf(x[0], 0, 0.5) * normalPdf(x[1], 0, 0.5) + normalPdf(x[0], 1, 0.5) * normalPdf(x[1], 2, 0.5));
    expect(kde.logDensity({ n: 1, d: 2, values: Float64Array.from(x) })[0]).toBeCloseTo(Math.log(expected), 10);
  });

  it("uses Scott's rule per dimension, with the std floor for constant columns", () => {
    const kde = new MultivariateKde({ stdFloor: 0.1 });
    // column 0: values 0, 2, 4, 6 -> population std sqrt(5); column 1: constant
    kde.fit({ n: 4, d: 2, values: Float64Array.of(0, -1, 2, -1, 4, -1, 6, -1) });
    const factor = 4 ** (-1 / 6);
    expect(kde.h[0]).toBeCloseTo(factor * Math.sqrt(5), 12);
    expect(kde.h[1]).toBeCloseTo(factor * 0.1, 12);
  });

  it('keeps a seeded subsample of the reference points when the data is large', () => {
    const values = Float64Array.from({ length: 1000 }, (_, i) => i);
    const a = new MultivariateKde({ maxReference: 100, seed: 4 });
    const b = new MultivariateKde({ maxReference: 100, seed: 4 });
    a.fit({ n: 1000, d: 1, values });
    b.fit({ n: 1000, d: 1, values });
    expect(a.referenceRows).toBe(100);
    const q = { n: 3, d: 1, values: Float64Array.of(10, 500, 990) };
    expect(a.logDensity(q)).toEqual(b.logDensity(q));
  });
});

describe('kde options', () => {
  it('reject a value out of range, naming the option and its range', () => {
    expect(() => checkOptions('kde', KDE_OPTIONS, { maxReference: -1 })).toThrow('kde: option "maxReference" must be an integer >= 1, found -1');
    expect(() => checkOptions('kde', KDE_OPTIONS, { stdFloor: 0 })).toThrow('kde: option "stdFloor" must be a number > 0, found 0');
    expect(() => checkOptions('kde', KDE_OPTIONS, { kernelBandwidth: 'wide' })).toThrow(/kde: option "kernelBandwidth" must be/);
    expect(() => checkOptions('kde', KDE_OPTIONS, { kernelBandwidth: -0.5 })).toThrow(/kde: option "kernelBandwidth" must be/);
    expect(checkOptions('kde', KDE_OPTIONS, { kernelBandwidth: 0.5 }).kernelBandwidth).toBe(0.5);
    expect(checkOptions('kde', KDE_OPTIONS, { kernelBandwidth: 'silverman' }).kernelBandwidth).toBe('silverman');
  });

  it('default to the old values', () => {
    expect(defaultsOf(KDE_OPTIONS)).toEqual({
      kernelBandwidth: 'scott',
      stdFloor: 0.1,
      maxReference: 5000,
      validFraction: 0.1,
      calibration: 'crossfit',
      folds: 5,
      seed: 1,
      definition: 'prefix',
      edgeLabel: 'service',
      alpha: 0.001,
      bandwidth: 'silverman',
    });
    expect(new MultivariateKde().options).toEqual({ kernelBandwidth: 'scott', stdFloor: 0.1, maxReference: 5000, seed: 1 });
  });
});
