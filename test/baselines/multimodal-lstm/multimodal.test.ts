import { describe, expect, it } from 'vitest';
import { useBackend } from '../../../src/lib/backend/backend.ts';
import type { Detector } from '../../../src/lib/contracts/detector.ts';
import { Random } from '../../../src/lib/util/random.ts';
import { expectGradientsMatchDifferences } from '../../helpers/gradient-check.ts';
import { sampleTraces, treeTrace, withNode, type CallNode } from '../../helpers/test-traces.ts';
import { UNK } from '../../../src/lib/trace-features/vocabulary.ts';
import { checkOptions, defaultsOf } from '../../../src/lib/options/schema.ts';
import { frequentLabels, MULTIMODAL_OPTIONS, MultimodalLstmDetector, type MultimodalOptions } from '../../../baselines/multimodal-lstm/multimodal.ts';
import { MultimodalNet, type SequenceBatch } from '../../../baselines/multimodal-lstm/network.ts';

await useBackend('wasm');

// gw calls auth, then orders (which calls db), then cache
const NORMAL: CallNode = {
  svc: 'gw', self: 2, sd: 0.2,
  children: [{ svc: 'auth', self: 3, sd: 0.3 }, { svc: 'orders', self: 3, sd: 0.3, children: [{ svc: 'db', self: 5, sd: 0.5 }] }, { svc: 'cache', self: 2, sd: 0.2 }],
};
const train = sampleTraces('n', NORMAL, 60, 1);

/** A tiny, fast network; topK = 1 because the service has only five labels. */
const TINY: Partial<MultimodalOptions> = { topK: 1, labelUnits: 8, timeUnits: 4, shared: [16], epochs: 60, batchSize: 64, learningRate: 0.03, patience: 0, backend: 'wasm' };

describe('Multimodal LSTM detector', () => {
  it('separates planted anomalies (a slow call, a missing call, a swapped order, an unknown service) from fresh normal traces', async () => {
    const det = new MultimodalLstmDetector(TINY);
    await det.fit({ traces: train });
    const normal = sampleTraces('m', NORMAL, 20, 2);
    const planted = [
      treeTrace('slow-db', withNode(NORMAL, 'db', (n) => ({ ...n, self: 40 }))),
      treeTrace('no-cache', withNode(NORMAL, 'cache', () => null)),
      treeTrace('swap', { ...NORMAL, children: [NORMAL.children![1], NORMAL.children![0], NORMAL.children![2]] }),
      treeTrace('unknown', { ...NORMAL, children: [...NORMAL.children!, { svc: 'mail' }] }),
    ];
    const scores = await det.score({ traces: [...normal, ...planted] });
    const flags = [...det.decide(scores)];
    expect(flags.slice(20)).toEqual([1, 1, 1, 1]);
    expect(Math.min(...scores.slice(20))).toBeGreaterThan(Math.max(...scores.slice(0, 20)));
    // the time rule is mu + 3 sigma of squared errors, which a normal step exceeds with probability ~2% when its
    // error is Gaussian (chi-square with 1 degree of freedom): a few of the 20 x 5 judged normal steps may
    expect(flags.slice(0, 20).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(4);
    expect(scores[23]).toBe(Infinity);
    // the paper's point: it does not say which kind of anomaly a flagged trace holds
    expect((det as Detector).anomalyTypes).toBeUndefined();
    expect(det.detects).toEqual(['path', 'rt']);
  });

  it('gives the same scores for the same seed', async () => {
    const test = [...sampleTraces('m', NORMAL, 5, 3), treeTrace('slow-db', withNode(NORMAL, 'db', (n) => ({ ...n, self: 40 })))];
    const run = async (seed: number) => {
      const det = new MultimodalLstmDetector({ ...TINY, epochs: 5, seed });
      await det.fit({ traces: train });
      return { scores: await det.score({ traces: test }), loss: det.report!.trainLoss };
    };
    const [a, b, c] = [await run(4), await run(4), await run(5)];
    expect(a.scores).toEqual(b.scores);
    expect(a.loss).toBe(b.loss);
    expect(c.loss).not.toBe(a.loss);
  });
});

describe('Multimodal LSTM pieces', () => {
  it('keeps the labels seen at least minCount times, at most maxLabels, most frequent first', () => {
    const labels = [['a', 'b', 'a', 'c'], ['a', 'b', 'd'], ['b', 'a', 'c']];
    const v = frequentLabels(labels, 2, 10);
    expect([v.id('a'), v.id('b'), v.id('c')]).toEqual([4, 5, 6]);
    expect(v.id('d')).toBe(UNK);
    expect(frequentLabels(labels, 1, 2).toJSON().keys).toEqual(['a', 'b']);
  });

  it('has the gradient of its loss (central differences through both branches, the shared layers and both heads)', () => {
    const net = new MultimodalNet({ labels: 7, labelUnits: 3, timeUnits: 2, shared: [4, 3], lambda: 2, skipFirst: true, meanSteps: 4.5 });
    const flat = net.initialParams(new Random(2));
    const batch: SequenceBatch = { rows: 2, steps: 3, labels: Int32Array.of(1, 4, 5, 1, 6, 4), times: Float32Array.of(0, 0.3, 0.8, 0, 0.5, 0.1), lastTarget: Int32Array.of(2, 2) };
    expectGradientsMatchDifferences(net, flat, batch);
  });
});

describe('Multimodal LSTM options', () => {
  it('keeps the old defaults (k renamed topK), in the same order, and checks ranges by name', () => {
    const old = {
      order: 'time', key: 'caller-callee-endpoint', emitEndEvents: false,
      label: 'call-key', predictFirst: false, minCount: 5, maxLabels: 500, timeScale: 'linear', labelUnits: 32, timeUnits: 8, shared: [64, 64],
      lambda: 1, epochs: 8, batchSize: 128, learningRate: 0.02, clipNorm: 10, patience: 2, validFraction: 0.1,
      topK: 5, z: 3, errorFloor: 1e-4, nMin: 5, seed: 1, backend: 'auto',
    };
    const defaults = defaultsOf(MULTIMODAL_OPTIONS);
    expect(defaults).toEqual(old);
    expect(Object.keys(defaults)).toEqual(Object.keys(old));
    expect(() => checkOptions('multimodal-lstm', MULTIMODAL_OPTIONS, { topK: -1 })).toThrow('multimodal-lstm: option "topK" must be an integer >= 1, found -1');
    expect(() => checkOptions('multimodal-lstm', MULTIMODAL_OPTIONS, { k: 5 })).toThrow(/"k"/);
  });
});
