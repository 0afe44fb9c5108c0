import { describe, expect, it } from 'vitest';
import { CPD_DEFAULTS, CPD_OPTIONS, CpdDetector } from '../../../baselines/cpd/cpd.ts';
import { PST_DEFAULTS, PredictionSuffixTree } from '../../../baselines/cpd/suffix-tree.ts';
import { checkOptions, defaultsOf } from '../../../src/lib/options/schema.ts';
import { sampleTraces, treeTrace, type CallNode } from '../../helpers/test-traces.ts';
import { BOS, EOS } from '../../../src/lib/trace-features/vocabulary.ts';
import type { Trace } from '../../../src/lib/trace/trace.ts';

const A = 4, B = 5;

describe('prediction suffix tree', () => {
  // 100 copies of "A B EOS": Sigma = {A, B, EOS}
  const tree = PredictionSuffixTree.build([{ ids: Int32Array.of(A, B, EOS), count: 100 }], 6, 3, PST_DEFAULTS);
  const g = PST_DEFAULTS.gammaMin;

  it('a seen sequence: every key certain in its context, gamma = (1 - 3 gammaMin) + gammaMin', () => {
    const steps = tree.stepLogProbs(Int32Array.of(A, B, EOS));
    for (const s of steps) expect(s).toBeCloseTo(Math.log(1 - 2 * g), 12);
  });

  it('an unseen order: each key unseen after its longest context gets gammaMin', () => {
    const steps = tree.stepLogProbs(Int32Array.of(B, A, EOS));
    for (const s of steps) expect(s).toBeCloseTo(Math.log(g), 12);
  });

  it('keeps significant contexts and drops those that predict like their suffix', () => {
    expect(tree.hasContext([BOS])).toBe(true); // P(A|BOS) = 1 vs P(A) = 1/3
    expect(tree.hasContext([A])).toBe(true);
    expect(tree.hasContext([BOS, A])).toBe(false); // P(B|BOS A) = P(B|A) = 1: ratio 1 < r
    const vomm = PredictionSuffixTree.build([{ ids: Int32Array.of(A, B, EOS), count: 100 }], 6, 3, { ...PST_DEFAULTS, model: 'vomm' });
    expect(vomm.hasContext([BOS, A])).toBe(true);
  });

  it('drops contexts rarer than pMin', () => {
    const seqs = [{ ids: Int32Array.of(A, B, EOS), count: 9999 }, { ids: Int32Array.of(B, B, EOS), count: 1 }];
    const t = PredictionSuffixTree.build(seqs, 6, 3, { ...PST_DEFAULTS, pMin: 1e-3 });
    expect(t.hasContext([BOS, B])).toBe(false); // "BOS B" precedes 1 of 30,000 positions
    expect(t.hasContext([BOS])).toBe(true);
  });
});

// a -> b -> c, then a -> d (90 %); a -> b, then a -> e (10 %, a rare but normal branch)
const MAIN: CallNode = { svc: 'a', children: [{ svc: 'b', children: [{ svc: 'c' }] }, { svc: 'd' }] };
const RARE: CallNode = { svc: 'a', children: [{ svc: 'b' }, { svc: 'e' }] };
const train: Trace[] = [...sampleTraces('m', MAIN, 180, 1), ...sampleTraces('r', RARE, 20, 2)];

async function run(det: CpdDetector, traces: Trace[]) {
  const scores = await det.score({ traces });
  return { flagged: [...det.decide(scores)], types: await det.anomalyTypes({ traces }), scores };
}

describe('CPD detector', () => {
  it('passes both normal branches, the rare one included', async () => {
    const det = new CpdDetector();
    await det.fit({ traces: train });
    expect((await run(det, [treeTrace('m', MAIN), treeTrace('r', RARE)])).flagged).toEqual([0, 0]);
  });

  it('flags an improbable next call (b calls c, then a calls e: c was never followed by a#e) as path', async () => {
    const det = new CpdDetector();
    await det.fit({ traces: train });
    const odd = treeTrace('odd', { svc: 'a', children: [{ svc: 'b', children: [{ svc: 'c' }] }, { svc: 'e' }] });
    const r = await run(det, [odd]);
    expect(r.flagged).toEqual([1]);
    expect(r.types).toEqual(['path']);
    expect(det.explain({ traces: [odd] })[0].reasons![0].detail).toMatch(/least likely step: a#e/);
  });

  it('flags an unseen key; does not see a slow call (no timing)', async () => {
    const det = new CpdDetector();
    await det.fit({ traces: train });
    const unseen = treeTrace('x', { svc: 'a', children: [{ svc: 'b', children: [{ svc: 'x' }] }, { svc: 'd' }] });
    const slow = treeTrace('slow', { svc: 'a', children: [{ svc: 'b', children: [{ svc: 'c', self: 5000 }] }, { svc: 'd' }] });
    expect((await run(det, [unseen, slow])).flagged).toEqual([1, 0]);
    expect(det.detects).toEqual(['path']);
  });

  it('theta is the 0.5 % quantile of training similarities: a lower quantile passes a rarer branch', async () => {
    // 3 of 300 traces (1 %) take the rare branch: the 0.5 % quantile falls among them, the 5 % one above them
    const few = [...sampleTraces('m', MAIN, 297, 1), ...sampleTraces('r', RARE, 3, 2)];
    const det = new CpdDetector();
    await det.fit({ traces: few });
    const r = treeTrace('r', RARE);
    expect((await run(det, [r])).flagged).toEqual([0]);
    const strict = new CpdDetector({ thetaQuantile: 0.05 });
    await strict.fit({ traces: few });
    expect((await run(strict, [r])).flagged).toEqual([1]);
  });

  it('minStepLogP flags one never-seen step that the length-normalised similarity hides', async () => {
    const long: CallNode = { svc: 'a', children: Array.from({ length: 30 }, (_, i) => ({ svc: `s${i}` })) };
    // 1 % short traces a -> x: their low similarity sets theta
    const tr = [...sampleTraces('l', long, 297, 3), ...sampleTraces('x', { svc: 'a', children: [{ svc: 'x' }] }, 3, 4)];
    // s5 called twice in a row: one step never seen in its context, in a trace of 32 keys
    const twice = treeTrace('tw', { svc: 'a', children: [...long.children!.slice(0, 6), { svc: 's5' }, ...long.children!.slice(6)] });
    const plain = new CpdDetector();
    const step = new CpdDetector({ minStepLogP: true });
    await plain.fit({ traces: tr });
    await step.fit({ traces: tr });
    expect((await run(plain, [twice])).flagged).toEqual([0]);
    const s = await run(step, [twice]);
    expect(s.flagged).toEqual([1]);
    expect(s.scores[0]).toBeGreaterThanOrEqual(1);
    expect(step.explain({ traces: [twice] })[0].reasons!.map((r) => r.rule)).toEqual(['min-step']);
  });
});

describe('CPD options', () => {
  it('checks ranges, naming the option and what it allows', () => {
    expect(() => checkOptions('cpd', CPD_OPTIONS, { L: -1 })).toThrow('cpd: option "L" must be an integer >= 0, found -1');
    expect(() => checkOptions('cpd', CPD_OPTIONS, { gammaMin: 0 })).toThrow(/"gammaMin" must be a number > 0 and < 1/);
    expect(() => checkOptions('cpd', CPD_OPTIONS, { thetaQuantile: 5 })).toThrow(/"thetaQuantile" must be a number >= 0 and <= 1/);
  });

  it('defaults are the old ones (the suffix tree\'s spread in), in the same order', () => {
    const pst = { L: 10, pMin: 1e-4, a: 0, gammaMin: 1e-3, r: 1.05, model: 'pst' };
    const old = {
      order: 'time', key: 'caller-callee-endpoint', emitEndEvents: false, partition: 'none', unseenEntry: 'anomalous',
      ...pst,
      thetaQuantile: 0.005, minStepLogP: false, stepEps: 1e-9,
    };
    expect(PST_DEFAULTS).toStrictEqual(pst);
    expect(defaultsOf(CPD_OPTIONS)).toStrictEqual(old);
    expect(Object.keys(CPD_DEFAULTS)).toEqual(Object.keys(old));
  });
});
