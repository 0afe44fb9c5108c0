import { describe, expect, it } from 'vitest';
import { Random } from '../../src/util/random.ts';
import { smallServiceStream } from '../shared/test-traces.ts';
import { OmniAnomalyDetector } from './omnianomaly.ts';

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
    const { encodeTraces } = await import('../../src/stv/encode.ts');
    const { CallPathList } = await import('../../src/callpaths/call-path-list.ts');
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
