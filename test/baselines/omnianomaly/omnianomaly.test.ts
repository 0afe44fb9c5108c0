import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/lib/util/random.ts';
import { smallServiceStream } from '../../helpers/test-traces.ts';
import { checkOptions, defaultsOf } from '../../../src/lib/options/schema.ts';
import { OMNI_OPTIONS, OmniAnomalyDetector } from '../../../baselines/omnianomaly/omnianomaly.ts';

const stream = smallServiceStream;

const tiny = { window: 5, rnnHidden: 16, denseDim: 16, flowLength: 2, epochs: 6, batchSize: 32, patience: 6, potLevel: 0.05 };

describe('OmniAnomaly', () => {
  const train = stream('n', 400, 1, 0);
  const slow = new Set([20, 45, 70, 95]);
  const test = stream('t', 120, 2, 100_000, slow);

  it('flags the traces of a slowed microservice above its POT threshold, ranks them above every normal trace; same seed, same scores', async () => {
    const det = new OmniAnomalyDetector({ ...tiny, seed: 4 });
    await det.fit({ traces: train });
    const pot = det.model.pot;
    expect(pot.threshold).toBeGreaterThan(pot.t0);
    // shuffled input: scores follow the traces, the windows follow time
    const order = new Random(9).permutation(test.length);
    const shuffled = Array.from(order, (i) => test[i]);
    const scores = await det.score({ traces: shuffled });
    const byTrace = new Map(shuffled.map((t, k) => [t.id, scores[k]]));
    const slowScores = [...slow].map((i) => byTrace.get(`t${i}`)!);
    const normal = test.filter((_, i) => !slow.has(i)).map((t) => byTrace.get(t.id)!);
    expect(Math.min(...slowScores)).toBeGreaterThan(Math.max(...normal));
    expect(Math.min(...slowScores)).toBeGreaterThan(pot.threshold);
    expect(normal.filter((s) => s > pot.threshold).length).toBeLessThanOrEqual(6);
    const types = await det.anomalyTypes({ traces: shuffled });
    expect(types.filter((t) => t !== null).every((t) => t === 'rt')).toBe(true);
    const again = new OmniAnomalyDetector({ ...tiny, seed: 4 });
    await again.fit({ traces: train });
    expect([...(await again.score({ traces: shuffled }))]).toEqual([...scores]);
  });

  it('reads STVs in file order with dimensions "callpath", and says why it cannot read STVs with microservices', async () => {
    const { encodeTraces } = await import('../../../src/lib/stv/encode.ts');
    const { CallPathList } = await import('../../../src/lib/callpaths/call-path-list.ts');
    const list = CallPathList.fromTraces(train, {});
    const det = new OmniAnomalyDetector({ ...tiny, dimensions: 'callpath', epochs: 2 });
    expect(det.needs).toBe('either');
    await det.fit({ stv: encodeTraces(list, train).matrix });
    const scores = await det.score({ stv: encodeTraces(list, test).matrix });
    expect(scores.length).toBe(test.length);
    expect([...scores].every(Number.isFinite)).toBe(true);
    await expect(new OmniAnomalyDetector(tiny).fit({ stv: encodeTraces(list, train).matrix })).rejects.toThrow(/needs raw traces/);
  });
});

describe('OmniAnomaly options', () => {
  it('keeps the old defaults, in the same order, and checks ranges by name', () => {
    const old = {
      dimensions: 'microservice', key: 'service', combine: 'mean', fill: 'absent', window: 20, latent: 3, rnnHidden: 64, denseDim: 64,
      flowLength: 20, denseActivation: 'linear', prior: 'lgssm', epochs: 10, batchSize: 256, learningRate: 1e-3, lrDecayEvery: 40, l2: 1e-4,
      clipNorm: 10, validFraction: 0.3, patience: 3, potLevel: 0.01, potQ: 1e-3, potMethod: 'grimshaw', scoreSamples: 1, seed: 1, backend: 'auto',
    };
    const defaults = defaultsOf(OMNI_OPTIONS);
    expect(defaults).toEqual(old);
    expect(Object.keys(defaults)).toEqual(Object.keys(old));
    expect(() => checkOptions('omnianomaly', OMNI_OPTIONS, { window: -1 })).toThrow('omnianomaly: option "window" must be an integer >= 1, found -1');
    expect(() => checkOptions('omnianomaly', OMNI_OPTIONS, { potLevel: 1 })).toThrow('omnianomaly: option "potLevel" must be a number > 0 and < 1, found 1');
  });
});
