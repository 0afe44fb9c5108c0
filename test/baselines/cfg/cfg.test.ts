import { describe, expect, it } from 'vitest';
import { CFG_DEFAULTS, CFG_OPTIONS, CfgDetector } from '../../../baselines/cfg/cfg.ts';
import { checkOptions, defaultsOf } from '../../../src/lib/options/schema.ts';
import { sampleTraces, treeTrace, withNode, type CallNode } from '../../helpers/test-traces.ts';
import type { Trace } from '../../../src/lib/trace/trace.ts';

// a -> b -> c, then a -> d
const NORMAL: CallNode = {
  svc: 'a', self: 2, sd: 0.3,
  children: [{ svc: 'b', self: 3, sd: 0.3, children: [{ svc: 'c', self: 5, sd: 0.5 }] }, { svc: 'd', self: 2, sd: 0.3 }],
};
const train = sampleTraces('n', NORMAL, 200, 1);

async function run(det: CfgDetector, traces: Trace[]) {
  const scores = await det.score({ traces });
  return { flagged: [...det.decide(scores)], types: await det.anomalyTypes({ traces }), rules: det.explain({ traces }).map((v) => (v.reasons ?? []).map((r) => r.rule)) };
}

describe('CFG detector', () => {
  it('passes fresh normal traces', async () => {
    const det = new CfgDetector();
    await det.fit({ traces: train });
    expect((await run(det, sampleTraces('m', NORMAL, 50, 2))).flagged.every((f) => f === 0)).toBe(true);
  });

  it('flags a child that comes later than its expected lag (b -> c delayed by 20 ms) as rt', async () => {
    const late = treeTrace('late', withNode(NORMAL, 'c', (n) => ({ ...n, delay: 20 })));
    for (const types of ['paper', 'split'] as const) {
      const det = new CfgDetector({ types });
      await det.fit({ traces: train });
      const r = await run(det, [late]);
      expect(r.flagged).toEqual([1]);
      expect(r.types).toEqual(['rt']);
      expect(r.rules).toEqual([['late-child']]);
    }
  });

  it('flags a missing child (b calls no c): rt in the paper\'s typing, path in the split typing', async () => {
    const missing = treeTrace('miss', withNode(NORMAL, 'c', () => null));
    const paper = new CfgDetector();
    const split = new CfgDetector({ types: 'split' });
    await paper.fit({ traces: train });
    await split.fit({ traces: train });
    expect(await run(paper, [missing])).toMatchObject({ flagged: [1], types: ['rt'], rules: [['missing-child']] });
    expect(await run(split, [missing])).toMatchObject({ flagged: [1], types: ['path'], rules: [['missing-child']] });
    expect(paper.detects).toEqual(['rt']);
    expect(split.detects).toEqual(['path', 'rt']);
  });

  it('flags an unknown node; misses a slow last leaf (it has no child to wait for, spec 4.6)', async () => {
    const det = new CfgDetector({ types: 'split' });
    await det.fit({ traces: train });
    const unknown = treeTrace('x', withNode(NORMAL, 'd', (n) => ({ ...n, svc: 'x' })));
    const slowLeaf = treeTrace('slow', withNode(NORMAL, 'd', (n) => ({ ...n, self: 500 })));
    const r = await run(det, [unknown, slowLeaf]);
    expect(r.flagged).toEqual([1, 0]);
    expect(r.types).toEqual(['path', null]);
    expect(r.rules[0]).toContain('unknown-node');
  });

  it('a slow inner call shows as its successor arriving late', async () => {
    const det = new CfgDetector();
    await det.fit({ traces: train });
    const slow = treeTrace('slow', withNode(NORMAL, 'c', (n) => ({ ...n, self: 30 })));
    expect(await run(det, [slow])).toMatchObject({ flagged: [1], types: ['rt'], rules: [['late-child']] });
  });

  it('strictSuccessor flags an unexpected immediate successor that the default rule accepts', async () => {
    const abcd: CallNode = { svc: 'a', self: 0.5, children: [{ svc: 'b', self: 0.5 }, { svc: 'c', self: 0.5 }, { svc: 'd', self: 0.1 }] };
    const tr = sampleTraces('s', abcd, 50, 3);
    // b is followed by d before c; c still comes within b's lag bound
    const test = treeTrace('t', { ...abcd, children: [{ svc: 'b', self: 0.5 }, { svc: 'd', self: 0.1 }, { svc: 'c', self: 0.5 }, { svc: 'd', self: 0.1 }] });
    const plain = new CfgDetector();
    const strict = new CfgDetector({ strictSuccessor: true, types: 'split' });
    await plain.fit({ traces: tr });
    await strict.fit({ traces: tr });
    expect((await run(plain, [test])).flagged).toEqual([0]);
    expect(await run(strict, [test])).toMatchObject({ flagged: [1], types: ['path'], rules: [['unexpected-successor']] });
  });

  it('lag bound "max": the largest training lag x (1 + slack)', async () => {
    const det = new CfgDetector({ lagBound: 'max', slack: 0.1 });
    await det.fit({ traces: train });
    // a#b -> b#c lags are b's self time, 3 +- 0.3 ms: a delay of 1.5 ms exceeds max x 1.1 but not mu + 3 sigma (floor 1 ms)
    const bit = treeTrace('bit', withNode(NORMAL, 'c', (n) => ({ ...n, delay: 1.5 })));
    expect((await run(det, [bit])).flagged).toEqual([1]);
    const sigma = new CfgDetector();
    await sigma.fit({ traces: train });
    expect((await run(sigma, [bit])).flagged).toEqual([0]);
  });
});

describe('CFG options', () => {
  it('checks ranges, naming the option and what it allows', () => {
    expect(() => checkOptions('cfg', CFG_OPTIONS, { nMin: -1 })).toThrow('cfg: option "nMin" must be an integer >= 1, found -1');
    expect(() => checkOptions('cfg', CFG_OPTIONS, { thetaCo: 0 })).toThrow(/"thetaCo" must be a number > 0 and <= 1/);
    expect(() => checkOptions('cfg', CFG_OPTIONS, { lagBound: 'mean' })).toThrow(/"lagBound" must be one of sigma, max/);
  });

  it('defaults are the old ones, in the same order', () => {
    const old = {
      order: 'time', key: 'caller-callee-endpoint', emitEndEvents: false, partition: 'none', unseenEntry: 'anomalous',
      thetaCo: 0.1, pMin: 0.001, lagBound: 'sigma', sigmaK: 3, sigmaFloor: 1, nMin: 5, slack: 0.1, strictSuccessor: false, types: 'paper',
    };
    expect(defaultsOf(CFG_OPTIONS)).toStrictEqual(old);
    expect(Object.keys(CFG_DEFAULTS)).toEqual(Object.keys(old));
  });
});
