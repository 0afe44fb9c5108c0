import { describe, expect, it } from 'vitest';
import { Automaton } from '../../../baselines/wfg/automaton.ts';
import { capacityLogLikelihood, fitCapacity } from '../../../baselines/wfg/capacity.ts';
import { loopOccurrences } from '../../../baselines/wfg/loops.ts';
import { WFG_DEFAULTS, WFG_OPTIONS, WfgDetector } from '../../../baselines/wfg/wfg.ts';
import { checkOptions, defaultsOf } from '../../../src/lib/options/schema.ts';
import { sampleTraces, treeTrace, withNode, type CallNode } from '../../helpers/test-traces.ts';
import { EOS } from '../../../src/lib/trace-features/vocabulary.ts';

// a -> b -> c, then a -> d; sequence start#a, a#b, b#c, a#d
const NORMAL: CallNode = {
  svc: 'a', self: 2, sd: 0.3,
  children: [{ svc: 'b', self: 3, sd: 0.3, children: [{ svc: 'c', self: 5, sd: 0.5 }] }, { svc: 'd', self: 2, sd: 0.3 }],
};
const train = sampleTraces('n', NORMAL, 200, 1);

async function verdicts(det: WfgDetector, traces: ReturnType<typeof sampleTraces>) {
  const scores = await det.score({ traces });
  return { flagged: [...det.decide(scores)], types: await det.anomalyTypes({ traces }), scores };
}

describe('WFG automaton (k-tails / bigram)', () => {
  const A = 10, B = 11, C = 12, D = 13, E = 14;
  it('k-tails with k = 1 merges states with the same next key, so it accepts a recombination; k = 2 does not', () => {
    const seqs = [Int32Array.of(A, B, C, EOS), Int32Array.of(D, B, E, EOS)];
    const k1 = Automaton.learn(seqs, 15, 'ktails', 1).automaton;
    const k2 = Automaton.learn(seqs, 15, 'ktails', 2).automaton;
    const mixed = Int32Array.of(A, B, E, EOS);
    expect(k1.read(mixed).read).toBe(4);
    expect(k2.read(mixed).read).toBe(2); // no transition on E after A B
    for (const s of seqs) expect(k2.read(s).read).toBe(4);
    // k = 2 states: root, A, D, AB, DB, one state before EOS (ABC and DBE both have the tail "EOS $"), the final state
    expect(k2.states).toBe(7);
  });

  it('bigram states are the last key read', () => {
    const { automaton } = Automaton.learn([Int32Array.of(A, B, C, EOS), Int32Array.of(D, B, E, EOS)], 15, 'bigram');
    expect(automaton.read(Int32Array.of(A, B, E, EOS)).read).toBe(4);
    expect(automaton.read(Int32Array.of(B, E, EOS)).read).toBe(0);
  });

  it('replays a run: one edge per step, consistent with the states', () => {
    const { automaton, edgeRuns } = Automaton.learn([Int32Array.of(A, B, EOS)], 15, 'ktails', 2);
    const run = automaton.read(Int32Array.of(A, B, EOS));
    expect([...run.edges]).toEqual([...edgeRuns[0]]);
    for (let j = 0; j < 3; j++) {
      const [from, key, to] = automaton.edge(run.edges[j]);
      expect([from, to]).toEqual([run.states[j], run.states[j + 1]]);
      expect(key).toBe([A, B, EOS][j]);
    }
  });
});

describe('WFG detector', () => {
  it('passes fresh normal traces', async () => {
    const det = new WfgDetector();
    await det.fit({ traces: train });
    const { flagged } = await verdicts(det, sampleTraces('m', NORMAL, 50, 2));
    expect(flagged.every((f) => f === 0)).toBe(true);
  });

  it('flags an unseen transition (d before b) as a path anomaly', async () => {
    const det = new WfgDetector();
    await det.fit({ traces: train });
    const swapped: CallNode = { ...NORMAL, children: [NORMAL.children![1], NORMAL.children![0]] };
    const t = treeTrace('swap', swapped);
    const { flagged, types } = await verdicts(det, [t]);
    expect(flagged).toEqual([1]);
    expect(types).toEqual(['path']);
    expect(det.explain({ traces: [t] })[0].reasons!.map((r) => r.rule)).toContain('not-accepted');
  });

  it('flags an unseen key and a truncated trace as path anomalies', async () => {
    const det = new WfgDetector();
    await det.fit({ traces: train });
    const unseen = treeTrace('x', { ...NORMAL, children: [...NORMAL.children!, { svc: 'x' }] });
    const truncated = treeTrace('cut', withNode(NORMAL, 'd', () => null));
    const { flagged, types } = await verdicts(det, [unseen, truncated]);
    expect(flagged).toEqual([1, 1]);
    expect(types).toEqual(['path', 'path']);
    const [ru, rt] = det.explain({ traces: [unseen, truncated] });
    expect(ru.reasons!.map((r) => r.rule)).toContain('unseen-key');
    expect(rt.reasons!.map((r) => r.rule)).toEqual(['not-accepted']);
  });

  it('flags a slow call through the 3-sigma band of the transition that follows it (rt)', async () => {
    const det = new WfgDetector();
    await det.fit({ traces: train });
    const slow = treeTrace('slow', withNode(NORMAL, 'c', (n) => ({ ...n, self: 30 })));
    const { flagged, types, scores } = await verdicts(det, [slow]);
    expect(flagged).toEqual([1]);
    expect(types).toEqual(['rt']);
    const reasons = det.explain({ traces: [slow] })[0].reasons!;
    expect(reasons.map((r) => r.rule)).toEqual(['transition-time']);
    expect(reasons[0].detail).toMatch(/^b#c -> a#d took/);
    expect(Math.floor(scores[0])).toBe(1); // one violation; the fractional part ranks by deviation
  });

  it('one-sided rule ignores a transition that got faster', async () => {
    const fast = treeTrace('fast', withNode(NORMAL, 'c', (n) => ({ ...n, self: 0.1 })));
    const two = new WfgDetector();
    const one = new WfgDetector({ sided: 'one' });
    await two.fit({ traces: train });
    await one.fit({ traces: train });
    expect((await verdicts(two, [fast])).flagged).toEqual([1]);
    expect((await verdicts(one, [fast])).flagged).toEqual([0]);
  });

  it('bigram accepts a recombination of two workflows that k-tails rejects', async () => {
    const t1: CallNode = { svc: 'a', children: [{ svc: 'b' }, { svc: 'c' }, { svc: 'd' }] };
    const t2: CallNode = { svc: 'a', children: [{ svc: 'e' }, { svc: 'c' }, { svc: 'f' }] };
    const mixed = treeTrace('mix', { svc: 'a', children: [{ svc: 'b' }, { svc: 'c' }, { svc: 'f' }] });
    const tr = [...sampleTraces('p', t1, 20, 3), ...sampleTraces('q', t2, 20, 4)];
    const kt = new WfgDetector();
    const bg = new WfgDetector({ learner: 'bigram' });
    await kt.fit({ traces: tr });
    await bg.fit({ traces: tr });
    expect((await verdicts(kt, [mixed])).types).toEqual(['path']);
    expect((await verdicts(bg, [mixed])).flagged).toEqual([0]);
  });

  it('capacity model: a transition normal for the pool but slow for its host is flagged', async () => {
    const onHost = (host: string, bSelf: number): CallNode =>
      withNode(withNode(NORMAL, 'b', (n) => ({ ...n, self: bSelf })), 'c', (n) => ({ ...n, instance: host }));
    const tr = [...sampleTraces('h1-', onHost('h1', 2), 100, 5), ...sampleTraces('h2-', onHost('h2', 10), 100, 6)];
    const test = treeTrace('t', onHost('h1', 14));
    const pooled = new WfgDetector();
    const capacity = new WfgDetector({ capacityModel: true });
    await pooled.fit({ traces: tr });
    await capacity.fit({ traces: tr });
    expect((await verdicts(pooled, [test])).flagged).toEqual([0]); // pooled band of b -> c: 6 +- 3 x 4
    expect((await verdicts(capacity, [test])).types).toEqual(['rt']);
    expect(capacity.options.capacityModel).toBe(true);
  });

  it('circulation numbers: a loop that goes round far more often than in training is an rt anomaly', async () => {
    const loop = (n: number): CallNode => ({ svc: 'a', children: Array.from({ length: n }, () => ({ svc: 'b' })) });
    const tr = [2, 3, 4].flatMap((n, i) => sampleTraces(`l${n}-`, loop(n), 20, 10 + i));
    const many = treeTrace('many', loop(12));
    const plain = new WfgDetector({ learner: 'bigram' });
    const circ = new WfgDetector({ learner: 'bigram', circulation: true });
    await plain.fit({ traces: tr });
    await circ.fit({ traces: tr });
    expect((await verdicts(plain, [many])).flagged).toEqual([0]);
    expect((await verdicts(circ, [many])).types).toEqual(['rt']);
    expect(circ.explain({ traces: [many] })[0].reasons![0].detail).toMatch(/went round 11 times/);
  });

  it('per-entry partitioning: an unseen entry API is a path anomaly (or passes with unseenEntry normal)', async () => {
    const other = treeTrace('o', { svc: 'z', children: [{ svc: 'b' }] });
    const strict = new WfgDetector({ partition: 'entry' });
    const lenient = new WfgDetector({ partition: 'entry', unseenEntry: 'normal' });
    await strict.fit({ traces: train });
    await lenient.fit({ traces: train });
    expect((await strict.score({ traces: [other] }))[0]).toBe(Infinity);
    expect((await verdicts(strict, [other])).types).toEqual(['path']);
    expect((await verdicts(lenient, [other])).flagged).toEqual([0]);
  });

  it('refuses STV-only input with an input error', async () => {
    await expect(new WfgDetector().fit({ stv: { ids: ['x'], width: 1, values: Float32Array.of(1) } })).rejects.toThrow(/wfg needs raw traces/);
  });
});

describe('WFG helpers', () => {
  it('capacity model: alternating updates reach the maximum likelihood (zero gradient, better than neighbours)', () => {
    const hosts = [
      { count: 4, sum: 4 + 5 + 6 + 5, sumSq: 16 + 25 + 36 + 25 },
      { count: 3, sum: 18 + 22 + 20, sumSq: 324 + 484 + 400 },
    ];
    const { alpha, beta } = fitCapacity(hosts, 200, 1e-12);
    const ll = (a: number[], b: number) => hosts.reduce((s, h, i) => s + capacityLogLikelihood(h, a[i], b), 0);
    const best = ll(alpha, beta);
    const eps = 1e-4;
    for (const [da0, da1, db] of [[eps, 0, 0], [-eps, 0, 0], [0, eps, 0], [0, -eps, 0], [0, 0, eps * 1e-2], [0, 0, -eps * 1e-2]]) {
      expect(ll([alpha[0] + da0, alpha[1] + da1], beta + db)).toBeLessThan(best);
    }
    // finite-difference gradient in alpha_0 is ~0
    expect((ll([alpha[0] + 1e-6, alpha[1]], beta) - ll([alpha[0] - 1e-6, alpha[1]], beta)) / 2e-6).toBeCloseTo(0, 4);
  });

  it('loop occurrences: rounds of a self-loop and of a 2-state cycle, named by rotation', () => {
    expect(loopOccurrences([0, 5, 5, 5, 9])).toEqual([{ cycle: '5', rounds: 2, at: 1 }]);
    expect(loopOccurrences([0, 7, 3, 7, 3, 7, 1])).toEqual([{ cycle: '3.7', rounds: 2, at: 1 }]);
    expect(loopOccurrences([0, 1, 2, 3])).toEqual([]);
  });
});

describe('WFG options', () => {
  it('checks ranges, naming the option and what it allows', () => {
    expect(() => checkOptions('wfg', WFG_OPTIONS, { kTails: -1 })).toThrow('wfg: option "kTails" must be an integer >= 1, found -1');
    expect(() => checkOptions('wfg', WFG_OPTIONS, { sigmaFloor: 0 })).toThrow(/"sigmaFloor" must be a number > 0/);
    expect(() => checkOptions('wfg', WFG_OPTIONS, { k: 2 })).toThrow(/unknown option "k"/);
  });

  it('defaults are the old ones (k of k-tails now kTails), in the same order', () => {
    const old = {
      order: 'time', key: 'caller-callee-endpoint', emitEndEvents: false, partition: 'none', unseenEntry: 'anomalous',
      learner: 'ktails', kTails: 2, sigmaK: 3, sigmaFloor: 1, nMin: 5, sided: 'two', capacityModel: false, circulation: false,
    };
    expect(defaultsOf(WFG_OPTIONS)).toStrictEqual(old);
    expect(Object.keys(WFG_DEFAULTS)).toEqual(Object.keys(old));
    expect(new WfgDetector({ kTails: 1 }).options.kTails).toBe(1);
  });
});
