import { describe, expect, it } from 'vitest';
import { asyncCalls, traceFeatures } from '../../../baselines/mepfl/features.ts';
import { ForestClassifier } from '../../../baselines/mepfl/forest.ts';
import { KnnClassifier } from '../../../baselines/mepfl/knn.ts';
import { lossAndGrad, MlpClassifier } from '../../../baselines/mepfl/mlp.ts';
import { faultyService, MEPFL_OPTIONS, MepflLocalizer } from '../../../baselines/mepfl/mepfl.ts';
import { Random } from '../../../src/lib/util/random.ts';
import type { Call, Trace } from '../../../src/lib/trace/trace.ts';
import { DEFAULT_FAULTS, faultScenario } from '../../helpers/fault-scenario.ts';
import { testTruth } from '../../../src/harness/experiments/run-cell.ts';
import { evaluateLocalization } from '../../../src/lib/metrics/localization.ts';
import { checkOptions, defaultsOf } from '../../../src/lib/options/schema.ts';

const call = (caller: string, callee: string, sent: number, recv: number, resp: number, back: number, extra: Partial<Call> = {}): Call => ({ caller, callee, callSent: sent, callReceived: recv, responseSent: resp, responseReceived: back, ...extra });

describe('MEPFL features', () => {
  // a calls b twice at once (async; the second arrives first) and then c; b answers 500 once
  const t: Trace = {
    id: 't',
    calls: [
      { caller: 'start', callee: 'a', callReceived: 0, responseSent: 100, instance: 'a1' },
      call('a', 'b', 10, 12, 30, 31, { parent: 0, instance: 'b1' }),
      call('a', 'b', 11, 11.5, 40, 42, { parent: 0, instance: 'b2', status: '500' }),
      call('a', 'c', 50, 51, 60, 61, { parent: 0, instance: 'c1', status: '200' }),
    ],
  };

  it('asynchronous calls: those overlapping a sibling; out of order when the later sent arrived first', () => {
    expect(asyncCalls(t.calls, [1, 2, 3])).toEqual({ ait: 21 + 31, ceo: true });
    expect(asyncCalls(t.calls, [3])).toEqual({ ait: 0, ceo: false });
  });

  it('per trace and per microservice, worked by hand', () => {
    const services = new Map([['a', 0], ['b', 1], ['c', 2], ['z', 3]]);
    const x = [...traceFeatures(t, services)];
    // TET 100, TMN 3, TIN 4 | a: present, ET 100, 100, no error, AIT 52, CEO, 1 instance
    // b: ET (21 + 31) / 2, max 31, error, no calls made, 2 instances | c: ET 11 | z absent
    expect(x).toEqual([100, 3, 4, 1, 100, 100, 0, 52, 1, 1, 1, 26, 31, 1, 0, 0, 2, 1, 11, 11, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('a root cause label trains its first microservice, else its external service', () => {
    expect(faultyService('e(start->a,a->e);e(start->a,a->b,b->e)')).toBe('e');
    expect(faultyService('external:bank;payment(start->g,g->payment)')).toBe('payment');
    expect(faultyService('external:bank')).toBe('external:bank');
    expect(faultyService('ts-order-service')).toBe('ts-order-service');
  });
});

/** Three Gaussian blobs in 4 dimensions (two of them noise). */
function blobs(n: number, seed: number) {
  const r = new Random(seed);
  const centres = [[0, 0], [4, 0], [0, 4]];
  const x: Float64Array[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    x.push(Float64Array.of(centres[c][0] + r.normal(), centres[c][1] + r.normal(), r.normal(), r.normal()));
    y.push(c);
  }
  return { x, y: Int32Array.from(y), w: new Float64Array(n).fill(1) };
}

const accuracy = (m: { proba(q: Float64Array): Float64Array }, d: ReturnType<typeof blobs>) =>
  d.x.filter((q, i) => {
    const p = m.proba(q);
    return p.indexOf(Math.max(...p)) === d.y[i];
  }).length / d.x.length;

describe('MEPFL learners', () => {
  const train = blobs(150, 1);
  const test = blobs(150, 2);

  it('kNN: the weighted votes of the k nearest', () => {
    const knn = new KnnClassifier(3);
    knn.fit([Float64Array.of(0), Float64Array.of(1), Float64Array.of(2), Float64Array.of(10)], Int32Array.of(0, 1, 1, 0), 2, Float64Array.of(1, 1, 2, 1));
    // nearest to 0.9: 1 (class 1, w 1), 0 (class 0, w 1), 2 (class 1, w 2) -> [1/4, 3/4]
    expect([...knn.proba(Float64Array.of(0.9))]).toEqual([0.25, 0.75]);
  });

  it('random forest: probabilities sum to 1, blobs are separated, same seed same forest', () => {
    const rf = new ForestClassifier({ trees: 20, maxFeatures: 'sqrt', maxDepth: 64, minLeaf: 1, bootstrap: true, seed: 3 });
    rf.fit(train.x, train.y, 3, train.w);
    expect(accuracy(rf, test)).toBeGreaterThan(0.9);
    const p = rf.proba(test.x[0]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const again = new ForestClassifier({ trees: 20, maxFeatures: 'sqrt', maxDepth: 64, minLeaf: 1, bootstrap: true, seed: 3 });
    again.fit(train.x, train.y, 3, train.w);
    expect([...again.proba(test.x[5])]).toEqual([...rf.proba(test.x[5])]);
  });

  it('random forest: a leaf holds the weighted class shares of its rows', () => {
    // one feature value shared by classes 0 and 1: no split, a single leaf
    const x = [Float64Array.of(1), Float64Array.of(1), Float64Array.of(1)];
    const leaf = (w: Float64Array) => {
      const rf = new ForestClassifier({ trees: 1, maxFeatures: 'all', maxDepth: 64, minLeaf: 1, bootstrap: false, seed: 1 });
      rf.fit(x, Int32Array.of(0, 1, 1), 2, w);
      return [...rf.proba(Float64Array.of(1))];
    };
    expect(leaf(Float64Array.of(1, 1, 1))).toEqual([1 / 3, 2 / 3]);
    expect(leaf(Float64Array.of(2, 1, 1))).toEqual([0.5, 0.5]);
  });

  it('MLP: the gradient matches finite differences; it separates the blobs', () => {
    const shape = { f: 4, h: 5, c: 3 };
    const r = new Random(9);
    const params = Float64Array.from({ length: 5 * 4 + 5 + 3 * 5 + 3 }, () => r.normal() * 0.5);
    const xs = train.x.slice(0, 6);
    const ys = train.y.slice(0, 6);
    const ws = Float64Array.of(1, 2, 1, 0.5, 1, 1);
    const { grad } = lossAndGrad(params, shape, xs, ys, ws, 0.1);
    for (let p = 0; p < params.length; p += 3) {
      const h = 1e-6;
      const up = Float64Array.from(params);
      const down = Float64Array.from(params);
      up[p] += h;
      down[p] -= h;
      const fd = (lossAndGrad(up, shape, xs, ys, ws, 0.1).loss - lossAndGrad(down, shape, xs, ys, ws, 0.1).loss) / (2 * h);
      expect(grad[p]).toBeCloseTo(fd, 6);
    }
    const mlp = new MlpClassifier({ hidden: 16, epochs: 60, learningRate: 1e-2, batchSize: 32, l2: 1e-4, seed: 1 });
    mlp.fit(train.x, train.y, 3, train.w);
    expect(accuracy(mlp, test)).toBeGreaterThan(0.9);
  });
});

describe('MEPFL on planted faults', () => {
  const ds = faultScenario({ seed: 4, minutes: 130, perMinute: 8, faults: DEFAULT_FAULTS, train: 200 });
  const truth = testTruth(ds);
  const rows = truth.rootCauses.flatMap((r, i) => (r !== null ? [i] : []));

  it.each(['rf', 'knn'] as const)('%s learns the faulty service from a labelled injection run', async (learner) => {
    const loc = new MepflLocalizer({ learner, trees: 30 });
    await loc.fit(ds.faultTrain!);
    const e = evaluateLocalization(await loc.rank({ traces: ds.test.traces! }, rows), rows.map((r) => truth.rootCauses[r]!));
    expect(e.service.at[1]).toBeGreaterThan(0.9);
  });

  it('refuses training data without fault labels', async () => {
    await expect(new MepflLocalizer().fit({ traces: ds.train.traces! })).rejects.toThrow(/supervised/);
  });
});

describe('mepfl options', () => {
  it('reject a value out of range, naming the option and its range', () => {
    expect(() => checkOptions('mepfl', MEPFL_OPTIONS, { trees: -1 })).toThrow('mepfl: option "trees" must be an integer >= 1, found -1');
    expect(() => checkOptions('mepfl', MEPFL_OPTIONS, { learner: 'svm' })).toThrow('mepfl: option "learner" must be one of rf, knn, mlp, found "svm"');
  });

  it('default to the old values', () => {
    expect(defaultsOf(MEPFL_OPTIONS)).toEqual({
      learner: 'rf',
      trees: 100,
      maxFeatures: 'sqrt',
      maxDepth: 64,
      minLeaf: 1,
      bootstrap: true,
      neighbors: 5,
      hidden: 100,
      epochs: 200,
      learningRate: 1e-3,
      batchSize: 200,
      l2: 1e-4,
      classWeight: 'balanced',
      includeNormal: false,
      seed: 0,
    });
  });
});
