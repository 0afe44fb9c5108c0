import { describe, expect, it } from 'vitest';
import { GMM_OPTIONS, gmmDetector } from '../../baselines/gmm/detector.ts';
import { KDE_OPTIONS, kdeDetector } from '../../baselines/kde/detector.ts';
import { DENSITY_PIPELINE_DEFAULTS } from '../../src/lib/detector/density-detector.ts';
import { checkOptions, optionRows } from '../../src/lib/options/schema.ts';
import { TRACEANOMALY_OPTIONS } from '../../src/methods/traceanomaly/options.ts';
import { ABSENT, type StvMatrix } from '../../src/lib/stv/matrix.ts';
import { Random } from '../../src/lib/util/random.ts';

/** Two structures of a 5-dimension service: dims 0,1 valid (structure A) or 0,2,3 (structure B), rt ~ N(mu, 5); dim 4 never. */
function stvs(n: number, seed: number, slow = 0): StvMatrix {
  const rng = new Random(seed);
  const values = new Float32Array(n * 5).fill(ABSENT);
  for (let i = 0; i < n; i++) {
    const r = values.subarray(i * 5, i * 5 + 5);
    r[0] = 100 + 5 * rng.normal() + slow;
    if (rng.next() < 0.5) r[1] = 40 + 5 * rng.normal();
    else {
      r[2] = 20 + 5 * rng.normal();
      r[3] = 60 + 5 * rng.normal() + slow;
    }
  }
  return { ids: Array.from({ length: n }, (_, i) => `t${seed}-${i}`), width: 5, values };
}

describe.each([
  ['gmm', () => gmmDetector({ components: [1, 2, 3], seed: 1 })],
  ['kde', () => kdeDetector({ seed: 1 })],
])('TraceAnomaly with %s (Table VI pipeline)', (_, make) => {
  it('flags slow traces and a dimension never valid in training, not normal ones', async () => {
    const det = make();
    await det.fit({ stv: stvs(3000, 1) });
    const normal = stvs(200, 2);
    const slow = stvs(50, 3, 60);
    const novel = stvs(1, 4);
    novel.values.set([100, 40, 20, 60, ABSENT]); // dims 1, 2, 3 together never occur in training, but each was valid
    const unseenDim: StvMatrix = { ids: ['u'], width: 5, values: Float32Array.of(100, 40, ABSENT, ABSENT, 7) };
    const normalFlags = det.decide(await det.score({ stv: normal }));
    const slowFlags = det.decide(await det.score({ stv: slow }));
    expect(normalFlags.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(4);
    expect(slowFlags.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(45);
    const s = await det.score({ stv: unseenDim });
    expect(s[0]).toBe(Infinity);
    expect(det.decide(s)[0]).toBe(1);
    expect(Number.isFinite((await det.score({ stv: novel }))[0])).toBe(true);
  });
});

describe('options of the Table VI detectors', () => {
  it('reject a misspelt option (model or pipeline) with the method name, and take the real ones', () => {
    expect(() => checkOptions('gmm', GMM_OPTIONS, { component: [2] })).toThrow(/gmm: unknown option "component" .*\(options: components,/);
    expect(() => checkOptions('kde', KDE_OPTIONS, { kernelBandwith: 0.5 })).toThrow(/kde: unknown option "kernelBandwith"/);
    expect(() => checkOptions('kde', KDE_OPTIONS, { alpah: 0.01 })).toThrow(/kde: unknown option "alpah"/);
    expect(() => gmmDetector(checkOptions('gmm', GMM_OPTIONS, { components: [2], maxIter: 5, alpha: 0.01, bandwidth: 'scott', seed: 3 }))).not.toThrow();
    expect(() => kdeDetector(checkOptions('kde', KDE_OPTIONS, { kernelBandwidth: 'silverman', stdFloor: 0.2, maxReference: 100, validFraction: 0.2 }))).not.toThrow();
  });

  it('split into the pipeline options and the model options, the seed going to both', () => {
    const det = gmmDetector({ components: [2], seed: 3, alpha: 0.01 });
    expect(det.options).toEqual({
      validFraction: 0.1,
      calibration: 'crossfit',
      folds: 5,
      seed: 3,
      definition: 'prefix',
      edgeLabel: 'service',
      alpha: 0.01,
      bandwidth: 'silverman',
      model: 'gmm',
      components: [2],
      covariance: 'auto',
      varianceFloor: 1e-3,
      maxIter: 100,
      tol: 1e-4,
      maxRows: 20_000,
    });
    // the record's key order (result files): the pipeline's, then the model's
    expect(Object.keys(kdeDetector().options)).toEqual(['validFraction', 'calibration', 'folds', 'seed', 'definition', 'edgeLabel', 'alpha', 'bandwidth', 'model', 'kernelBandwidth', 'stdFloor', 'maxReference']);
  });

  it('have the old pipeline defaults, with the ranges of TraceAnomaly', () => {
    expect(DENSITY_PIPELINE_DEFAULTS).toEqual({ validFraction: 0.1, calibration: 'crossfit', folds: 5, seed: 1, definition: 'prefix', edgeLabel: 'service', alpha: 0.001, bandwidth: 'silverman' });
    for (const key of ['alpha', 'validFraction', 'folds'] as const) {
      expect(optionRows(GMM_OPTIONS).find((r) => r.name === key)!.allowed).toBe(optionRows(TRACEANOMALY_OPTIONS).find((r) => r.name === key)!.allowed);
    }
    expect(() => checkOptions('kde', KDE_OPTIONS, { folds: 1 })).toThrow('kde: option "folds" must be an integer >= 2, found 1');
  });
});
