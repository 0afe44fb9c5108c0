import { describe, expect, it } from 'vitest';
import { prefixSpan } from '../../../baselines/rcsf/prefixspan.ts';
import { RCSF_OPTIONS, RcsfLocalizer } from '../../../baselines/rcsf/rcsf.ts';
import { Random } from '../../../src/lib/util/random.ts';
import { sampleTraces, treeTrace, type CallNode } from '../../helpers/test-traces.ts';
import { DEFAULT_FAULTS, faultScenario } from '../../helpers/fault-scenario.ts';
import { testTruth } from '../../../src/harness/experiments/run-cell.ts';
import { evaluateLocalization } from '../../../src/lib/metrics/localization.ts';
import { checkOptions, defaultsOf } from '../../../src/lib/options/schema.ts';

/** Every subsequence of every sequence up to maxLength, with the number of sequences containing it (brute force). */
function bruteForce(db: number[][], minCount: number, maxLength: number): Map<string, number> {
  const contains = (s: number[], p: number[]) => {
    let j = 0;
    for (const x of s) if (j < p.length && x === p[j]) j++;
    return j === p.length;
  };
  const candidates = new Set<string>();
  for (const s of db) {
    for (let mask = 1; mask < 1 << s.length; mask++) {
      const p = s.filter((_, i) => mask & (1 << i));
      if (p.length <= maxLength) candidates.add(p.join(','));
    }
  }
  const out = new Map<string, number>();
  for (const key of candidates) {
    const p = key.split(',').map(Number);
    const n = db.filter((s) => contains(s, p)).length;
    if (n >= minCount) out.set(key, n);
  }
  return out;
}

describe('PrefixSpan', () => {
  it('finds exactly the frequent subsequences of a brute-force enumeration, with their counts', () => {
    const r = new Random(5);
    for (let trial = 0; trial < 20; trial++) {
      const db = Array.from({ length: 12 }, () => Array.from({ length: 1 + r.int(6) }, () => r.int(4)));
      const minCount = 1 + r.int(4);
      const got = new Map(prefixSpan(db, minCount, 4).map((p) => [p.items.join(','), p.count]));
      expect(got).toEqual(bruteForce(db, minCount, 4));
    }
  });
});

describe('RCSF', () => {
  // gw calls user, then order (which calls db); every call answers 200 unless it fails
  const ok = (svc: string, children: CallNode[] = []): CallNode => ({ svc, self: 2, sd: 0.2, status: '200', children });
  const NORMAL = ok('gw', [ok('user'), ok('order', [ok('db')])]);
  const train = sampleTraces('n', NORMAL, 50, 1);
  // T1, T2: db fails and order and gw fail with it; T3: user fails and gw with it (times normal)
  const failed = (n: CallNode): CallNode => ({ ...n, status: '500' });
  const t1 = failed(ok('gw', [ok('user'), failed(ok('order', [failed(ok('db'))]))]));
  const t3 = failed(ok('gw', [failed(ok('user')), ok('order', [ok('db')])]));
  const test = [treeTrace('t1', t1), treeTrace('t2', t1, undefined, 2000), treeTrace('t3', t3, undefined, 3000)];

  it('error paths from every error node: support favours the upstream service (worked by hand)', async () => {
    // paths: [gw], [gw, order], [gw, order, db] twice, [gw], [gw, user]: 8; support order 4/8, db 2/8, user 1/8
    const rcsf = new RcsfLocalizer();
    await rcsf.fit({ traces: train });
    const [x] = rcsf.explain({ traces: test }, [0, 1, 2]);
    expect(x.map((c) => [c.service, c.support, c.patternLength])).toEqual([['order', 0.5, 2], ['db', 0.25, 3], ['user', 0.125, 2]]);
    const ranked = await rcsf.rank({ traces: test }, [0, 1, 2]);
    expect(ranked[2].map((c) => c.service)).toEqual(['order', 'db', 'user']);
    expect(ranked[0].map((c) => c.score)).toEqual([3, 2, 1]);
  });

  it("'deepest' error paths: order and db tie on support, the longer pattern wins; minSup drops rare services", async () => {
    // paths: [gw, order, db] twice, [gw, user]: support order = db = 2/3 (patterns [gw, order] and [gw, order, db]), user 1/3
    const rcsf = new RcsfLocalizer({ errorPaths: 'deepest' });
    await rcsf.fit({ traces: train });
    const [x] = rcsf.explain({ traces: test }, [0, 1, 2]);
    expect(x.map((c) => c.service)).toEqual(['db', 'order', 'user']);
    expect(x[0].support).toBeCloseTo(2 / 3, 12);
    const strict = new RcsfLocalizer({ errorPaths: 'deepest', minSup: 0.5 });
    await strict.fit({ traces: train });
    expect(strict.explain({ traces: test }, [0])[0].map((c) => c.service)).toEqual(['db', 'order']);
    // one trace at a time: t3 alone names user
    const single = new RcsfLocalizer({ errorPaths: 'deepest', scope: 'trace' });
    await single.fit({ traces: train });
    expect(single.explain({ traces: test }, [2])[0].map((c) => c.service)).toEqual(['user']);
  });

  it('on planted faults, the slow service is first when only the deepest error nodes make paths', async () => {
    const ds = faultScenario({ seed: 3, minutes: 130, perMinute: 8, faults: DEFAULT_FAULTS, train: 300 });
    const truth = testTruth(ds);
    const rows = truth.rootCauses.flatMap((r, i) => (r !== null ? [i] : []));
    const rt = rows.filter((r) => ds.test.labels!.get(truth.ids[r])!.anomalyType === 'rt');
    const p1 = async (o: ConstructorParameters<typeof RcsfLocalizer>[0]) => {
      const rcsf = new RcsfLocalizer(o);
      await rcsf.fit(ds.train);
      return evaluateLocalization(await rcsf.rank({ traces: ds.test.traces! }, rt), rt.map((r) => truth.rootCauses[r]!)).service.at[1];
    };
    expect(await p1({ errorPaths: 'deepest' })).toBe(1);
    expect(await p1({})).toBeLessThan(1);
  });
});

describe('rcsf options', () => {
  it('reject a value out of range, naming the option and its range', () => {
    expect(() => checkOptions('rcsf', RCSF_OPTIONS, { maxPatternLength: -1 })).toThrow('rcsf: option "maxPatternLength" must be an integer >= 1, found -1');
    expect(() => checkOptions('rcsf', RCSF_OPTIONS, { minSup: 0 })).toThrow('rcsf: option "minSup" must be a number > 0 and <= 1, found 0');
    expect(() => checkOptions('rcsf', RCSF_OPTIONS, { k: 2 })).toThrow(/rcsf: unknown option "k"/);
  });

  it('default to the old values (k renamed sigmaK)', () => {
    expect(defaultsOf(RCSF_OPTIONS)).toEqual({
      minSup: 0.1,
      maxPatternLength: 10,
      errorPaths: 'all',
      sigmaK: 3,
      sigmaFloor: 1,
      nMin: 5,
      sided: 'two',
      faultCodes: ['5xx', 'error'],
      incidentGapMin: 5,
      scope: 'incident',
      excludeFrontend: true,
      exclude: [],
      definition: 'prefix',
      edgeLabel: 'service',
    });
  });
});
