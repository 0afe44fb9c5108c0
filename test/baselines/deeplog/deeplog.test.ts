import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../../src/lib/backend/backend.ts';
import { Random } from '../../../src/lib/util/random.ts';
import { expectGradientsMatchDifferences } from '../../helpers/gradient-check.ts';
import { InputError } from '../../../src/lib/util/errors.ts';
import { sampleTraces, treeTrace, withNode, type CallNode } from '../../helpers/test-traces.ts';
import { checkOptions, defaultsOf } from '../../../src/lib/options/schema.ts';
import { DEEPLOG_OPTIONS, DeepLogDetector, windowPairs, type DeepLogOptions } from '../../../baselines/deeplog/deeplog.ts';
import { NextKeyNet, type WindowBatch } from '../../../baselines/deeplog/next-key-net.ts';

await useBackend('wasm');

// gw calls auth, then orders (which calls db), then cache: keys start#gw, gw#auth, gw#orders, orders#db, gw#cache
const NORMAL: CallNode = {
  svc: 'gw', self: 2, sd: 0.2,
  children: [{ svc: 'auth', self: 3, sd: 0.3 }, { svc: 'orders', self: 3, sd: 0.3, children: [{ svc: 'db', self: 5, sd: 0.5 }] }, { svc: 'cache', self: 2, sd: 0.2 }],
};
// a rare variant seen in training: orders calls the backup db instead (1 trace in 10)
const RARE = withNode(NORMAL, 'db', (n) => ({ ...n, svc: 'backup' }));
const train = [...sampleTraces('n', NORMAL, 90, 1), ...sampleTraces('r', RARE, 10, 2)];

/** A tiny, fast configuration: one LSTM layer of 8 units, windows of 3 keys. */
const TINY: Partial<DeepLogOptions> = { h: 3, g: 1, hidden: [8], epochs: 60, learningRate: 0.05, batchSize: 32, patience: 0, backend: 'wasm' };

async function fitted(options: Partial<DeepLogOptions> = {}): Promise<DeepLogDetector> {
  const det = new DeepLogDetector({ ...TINY, ...options });
  await det.fit({ traces: train });
  return det;
}

async function verdicts(det: DeepLogDetector, traces: ReturnType<typeof sampleTraces>) {
  const scores = await det.score({ traces });
  return { flagged: [...det.decide(scores)], types: await det.anomalyTypes({ traces }), scores };
}

describe('DeepLog* detector', () => {
  it('passes fresh normal traces and flags an improbable next call (seen in training, but not in the top g) as a path anomaly', async () => {
    const det = await fitted();
    const normal = sampleTraces('m', NORMAL, 20, 3);
    const rare = treeTrace('rare', RARE);
    const { flagged, types, scores } = await verdicts(det, [...normal, rare]);
    expect(flagged.slice(0, 20).every((f) => f === 0)).toBe(true);
    expect(flagged[20]).toBe(1);
    expect(types[20]).toBe('path');
    // the rare key is the second most probable after orders: rank 2 / g 1
    expect(scores[20]).toBe(2);
    const reasons = (await det.explain({ traces: [rare] }))[0].reasons!;
    expect(reasons.map((r) => r.rule)).toEqual(['next-key']);
    expect(reasons[0].detail).toContain('orders#backup');
  });

  it('accepts the rare call with g = 2, and still flags a swapped order and an unseen service', async () => {
    const det = await fitted({ g: 2 });
    const swapped = treeTrace('swap', { ...NORMAL, children: [NORMAL.children![2], NORMAL.children![0], NORMAL.children![1]] });
    const unseen = treeTrace('x', { ...NORMAL, children: [...NORMAL.children!, { svc: 'mail' }] });
    const { flagged, types, scores } = await verdicts(det, [treeTrace('rare', RARE), swapped, unseen]);
    expect(flagged).toEqual([0, 1, 1]);
    expect(types).toEqual([null, 'path', 'path']);
    expect(scores[2]).toBe(Infinity);
    const [, , why] = await det.explain({ traces: [treeTrace('rare', RARE), swapped, unseen] });
    expect(why.reasons!.map((r) => r.rule)).toContain('unseen-key');
  });

  it('flags a slow call as an rt anomaly: per transition (WFG rule) when a later call starts late, per key also for the last call', async () => {
    const slowDb = treeTrace('slow-db', withNode(NORMAL, 'db', (n) => ({ ...n, self: 60 })));
    const slowCache = treeTrace('slow-cache', withNode(NORMAL, 'cache', (n) => ({ ...n, self: 60 })));
    const byTransition = await fitted();
    const t = await verdicts(byTransition, [slowDb, slowCache]);
    // db's slowness delays the start of cache; cache is last, so its own slowness shows in no gap (spec 1.5)
    expect(t.flagged).toEqual([1, 0]);
    expect(t.types).toEqual(['rt', null]);
    expect((await byTransition.explain({ traces: [slowDb] }))[0].reasons!.map((r) => r.rule)).toEqual(['transition-time']);
    const byKey = await fitted({ rtGroup: 'key' });
    const k = await verdicts(byKey, [slowDb, slowCache]);
    expect(k.flagged).toEqual([1, 1]);
    expect(k.types).toEqual(['rt', 'rt']);
    // the slow cache is (60 + 60 - 4) ms over a mean of 4 with the 1 ms std floor: deviation 116 sigma / sigmaK 3
    expect(k.scores[1]).toBeGreaterThan(30);
  });

  it('gives the same scores for the same seed and trains differently with another', async () => {
    const test = [...sampleTraces('m', NORMAL, 5, 4), treeTrace('rare', RARE)];
    const a = await fitted({ seed: 5 });
    const b = await fitted({ seed: 5 });
    const c = await fitted({ seed: 6 });
    expect(await a.score({ traces: test })).toEqual(await b.score({ traces: test }));
    expect(a.report!.trainLoss).toBe(b.report!.trainLoss);
    expect(c.report!.trainLoss).not.toBe(a.report!.trainLoss);
  });

  it('needs raw traces and a fit before scoring', async () => {
    const det = new DeepLogDetector(TINY);
    await expect(det.fit({ stv: { ids: [], width: 0, values: new Float32Array(0) } })).rejects.toThrow(InputError);
    await expect(det.score({ traces: train })).rejects.toThrow(/before fit/);
    expect(() => checkOptions('deeplog', DEEPLOG_OPTIONS, { h: 0 })).toThrow(InputError);
  });
});

describe('DeepLog* next-key network', () => {
  it('trains on distinct (window, next key) pairs with counts: the same loss as on every pair', () => {
    const seqs = [Int32Array.of(4, 5, 6, 2), Int32Array.of(4, 5, 6, 2), Int32Array.of(4, 5, 7, 2), Int32Array.of(4, 6, 2)];
    const all = windowPairs(seqs, 2, false);
    const distinct = windowPairs(seqs, 2, true);
    expect(all.rows).toBe(15);
    // (BOS BOS > 4) x4, (BOS 4 > 5) x3, (4 5 > 6) x2, (5 6 > 2) x2, (4 5 > 7), (5 7 > 2), (BOS 4 > 6), (4 6 > 2)
    expect(distinct.rows).toBe(8);
    expect([...distinct.weights].sort()).toEqual([1, 1, 1, 1, 2, 2, 3, 4]);
    const net = new NextKeyNet({ vocab: 8, window: 2, hidden: [4] });
    const p = net.layout.toTensors(net.initialParams(new Random(1)));
    const mean = (b: WindowBatch) => tf.tidy(() => net.lossAndGrads(p, b).loss.dataSync()[0]);
    expect(mean(distinct)).toBeCloseTo(mean(all), 5);
    tf.dispose(Object.values(p));
  });

  it('has the gradient of its loss (central differences through both LSTM layers and the output layer)', () => {
    const net = new NextKeyNet({ vocab: 6, window: 3, hidden: [4, 3] });
    const flat = net.initialParams(new Random(2));
    const batch: WindowBatch = { windows: Int32Array.of(1, 1, 4, 1, 4, 5, 4, 5, 4), targets: Int32Array.of(5, 2, 3), weights: Float32Array.of(1, 2, 1), rows: 3 };
    expectGradientsMatchDifferences(net, flat, batch, 3);
  });
});

describe('DeepLog* options', () => {
  it('keeps the old defaults, in the same order, and checks ranges by name', () => {
    const old = {
      order: 'time', key: 'caller-callee-endpoint', emitEndEvents: false,
      h: 10, g: 9, predictFirst: false, hidden: [64, 64], epochs: 150, batchSize: 128, learningRate: 0.01, clipNorm: 10, patience: 10,
      validFraction: 0.1, aggregate: true, rtGroup: 'transition', sigmaK: 3, sigmaFloor: 1, nMin: 5, sided: 'two', seed: 1, backend: 'auto',
    };
    const defaults = defaultsOf(DEEPLOG_OPTIONS);
    expect(defaults).toEqual(old);
    expect(Object.keys(defaults)).toEqual(Object.keys(old));
    expect(() => checkOptions('deeplog', DEEPLOG_OPTIONS, { g: -1 })).toThrow('deeplog: option "g" must be an integer >= 1, found -1');
    expect(() => checkOptions('deeplog', DEEPLOG_OPTIONS, { rtGroup: 'edge' })).toThrow('deeplog: option "rtGroup" must be one of transition, key, path, found "edge"');
  });
});
