import { describe, expect, it } from 'vitest';
import { smallServiceStream, smallServiceVariant } from '../../helpers/test-traces.ts';
import { checkOptions, defaultsOf } from '../../../src/lib/options/schema.ts';
import { AEVB_OPTIONS, AevbDetector } from '../../../baselines/aevb/aevb.ts';
import { DynamicThreshold, tolerate } from '../../../baselines/aevb/dynamic-threshold.ts';

const stream = smallServiceStream;

const small = { window: 4, hidden: [16, 8], zDim: 2, epochs: 15, batchSize: 32, minPoints: 50, patience: 5 };

describe('AEVB', () => {
  const train = stream('n', 400, 1, 0);
  const slow = new Set([20, 45, 70, 95]);
  const test = stream('t', 120, 2, 100_000, slow);

  it('flags the traces of a slowed microservice and ranks them above every normal trace; same seed, same scores', async () => {
    const det = new AevbDetector({ ...small, seed: 3 });
    await det.fit({ traces: train });
    expect(det.summary.map((s) => `${s.microservice}:${s.model}`)).toEqual(['front:vae', 'auth:vae', 'orders:vae', 'db:vae', 'cache:vae']);
    const scores = await det.score({ traces: test });
    const flagged = det.decide(scores);
    for (const i of slow) expect(flagged[i]).toBe(1);
    // every slowed trace scores above every normal one
    const normal = [...scores].filter((_, i) => !slow.has(i));
    expect(Math.min(...[...slow].map((i) => scores[i]))).toBeGreaterThan(Math.max(...normal));
    // mu_e + 3 sigma_e of squared errors passes ~98% of one microservice's normal points, and a trace has four or
    // five microservices: false alarms are common (the paper's AEVB precision is 0.17), but most traces pass
    const falseAlarms = normal.filter((s) => s > 3).length;
    expect(falseAlarms / normal.length).toBeLessThan(0.25);
    const types = await det.anomalyTypes({ traces: test });
    expect(types.filter((t) => t !== null).every((t) => t === 'rt')).toBe(true);
    const again = new AevbDetector({ ...small, seed: 3 });
    await again.fit({ traces: train });
    expect([...(await again.score({ traces: test }))]).toEqual([...scores]);
  });

  it('falls back to 3-sigma for microservices with few points, and optionally flags unseen ones as path anomalies', async () => {
    const det = new AevbDetector({ ...small, minPoints: 150, epochs: 2, unseen: 'anomalous' });
    await det.fit({ traces: train });
    expect(det.summary.find((s) => s.microservice === 'cache')?.model).toBe('sigma'); // 134 points
    const odd = smallServiceVariant('odd', 'auth', (a) => ({ ...a, svc: 'auth-v2' }), 200_000);
    const slowCache = smallServiceVariant('slow-cache', 'cache', (c) => ({ ...c, self: 30 }), 200_100);
    const types = await det.anomalyTypes({ traces: [odd, slowCache] });
    expect(types).toEqual(['path', 'rt']);
    expect(det.detects).toEqual(['rt', 'path']);
  });
});

describe('AEVB dynamic threshold and tolerance', () => {
  it('keeps mean and std of the last H errors judged normal; an anomaly does not enter them', () => {
    const th = new DynamicThreshold([1, 2, 3, 4], 3, 3); // keeps 2, 3, 4: mean 3, std sqrt(2/3)
    expect(th.mean).toBeCloseTo(3, 12);
    expect(th.std).toBeCloseTo(Math.sqrt(2 / 3), 12);
    expect(th.next(100)).toBeCloseTo((100 - 3) / Math.sqrt(2 / 3), 9);
    expect(th.mean).toBeCloseTo(3, 12); // not absorbed
    expect(th.next(5)).toBeCloseTo((5 - 3) / Math.sqrt(2 / 3), 9);
    expect(th.mean).toBeCloseTo(4, 12); // 3, 4, 5
  });

  it('tolerance: the q-th largest of the last p z-scores', () => {
    expect([...tolerate([5, 0, 5, 5, 0], 3, 2)]).toEqual([-Infinity, 0, 5, 5, 5]);
    expect([...tolerate([5, 0], 1, 1)]).toEqual([5, 0]);
    expect(() => tolerate([], 2, 3)).toThrow(/1 <= q <= p/);
  });
});

describe('AEVB options', () => {
  it('keeps the old defaults, in the same order, and checks ranges by name', () => {
    const old = {
      key: 'service', axis: 'trace', fill: 'zero', combine: 'mean', window: 32, zDim: 4, hidden: [64, 32], epochs: 20, batchSize: 256,
      learningRate: 1e-3, validFraction: 0.2, patience: 3, errorSamples: 10, kappa: 3, history: 1000, toleranceP: 1, toleranceQ: 1,
      minPoints: 200, unseen: 'ignore', seed: 1, backend: 'auto',
    };
    const defaults = defaultsOf(AEVB_OPTIONS);
    expect(defaults).toEqual(old);
    expect(Object.keys(defaults)).toEqual(Object.keys(old));
    expect(() => checkOptions('aevb', AEVB_OPTIONS, { window: -1 })).toThrow('aevb: option "window" must be an integer >= 1, found -1');
    expect(() => checkOptions('aevb', AEVB_OPTIONS, { fill: 'nearest' })).toThrow('aevb: option "fill" must be one of zero, previous, mean, found "nearest"');
    // what depends on several options stays with the detector
    expect(() => new AevbDetector({ toleranceP: 2, toleranceQ: 3 })).toThrow(/toleranceQ \(3\) must be at most toleranceP \(2\)/);
    expect(() => new AevbDetector({ axis: 'span', fill: 'mean' })).toThrow(/fill applies to axis "trace" only/);
  });
});
