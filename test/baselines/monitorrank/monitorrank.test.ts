import { describe, expect, it } from 'vitest';
import { MONITORRANK_OPTIONS, MonitorRankLocalizer } from '../../../baselines/monitorrank/monitorrank.ts';
import { monitorRankWalk, pearson } from '../../../baselines/monitorrank/random-walk.ts';
import { DEFAULT_FAULTS, faultScenario } from '../../helpers/fault-scenario.ts';
import { testTruth } from '../../../src/harness/experiments/run-cell.ts';
import { evaluateLocalization } from '../../../src/lib/metrics/localization.ts';
import { checkOptions, defaultsOf } from '../../../src/lib/options/schema.ts';

const WALK = { rho: 0.1, alpha: 0.85, tol: 1e-12, maxIter: 500 };

describe('MonitorRank random walk', () => {
  it('on a chain fe -> a -> b -> c drifts down to the deepest node that resembles the frontend (spec 9.4)', () => {
    const edges: [number, number][] = [[0, 1], [1, 2], [2, 3]];
    const pi = monitorRankWalk(4, edges, [1, 0.9, 0.9, 0.1], 0, WALK);
    const order = [1, 2, 3].sort((x, y) => pi[y] - pi[x]);
    expect(order).toEqual([2, 1, 3]);
    // reversing which end resembles the frontend reverses the ranking
    const pi2 = monitorRankWalk(4, edges, [1, 0.1, 0.2, 0.9], 0, WALK);
    expect([1, 2, 3].sort((x, y) => pi2[y] - pi2[x])).toEqual([3, 2, 1]);
    expect(pi.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it('is the stationary distribution of alpha P + (1 - alpha) u, checked on a two-node graph by hand', () => {
    // fe(0) -> x(1), S = [1, s]: W[0] = [1 - s (self-loop), s], W[1] = [rho, s] (x a leaf), u = [0, 1]
    const s = 0.5;
    const pi = monitorRankWalk(2, [[0, 1]], [1, s], 0, WALK);
    // pi_0 = alpha (pi_0 P00 + pi_1 P10), P00 = 1 - s, P10 = rho / (rho + s), pi_1 = 1 - pi_0
    const p00 = 1 - s;
    const p10 = 0.1 / (0.1 + s);
    const pi0 = (0.85 * p10) / (1 - 0.85 * p00 + 0.85 * p10);
    expect(pi[0]).toBeCloseTo(pi0, 9);
    expect(pi[1]).toBeCloseTo(1 - pi0, 9);
  });

  it('Pearson: +-1 for linear series, 0 for a constant one', () => {
    expect(pearson([1, 2, 3, 4], [2, 4, 6, 8])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3, 4], [8, 6, 4, 2])).toBeCloseTo(-1, 12);
    expect(pearson([1, 2, 3, 4], [5, 5, 5, 5])).toBe(0);
  });
});

describe('MonitorRank on planted faults', () => {
  const ds = faultScenario({ seed: 3, minutes: 130, perMinute: 8, faults: DEFAULT_FAULTS, train: 200 });
  const truth = testTruth(ds);
  const rows = truth.rootCauses.flatMap((r, i) => (r !== null ? [i] : []));

  const rtP1 = async (loc: MonitorRankLocalizer) => {
    await loc.fit(ds.train);
    const rankings = await loc.rank({ traces: ds.test.traces! }, rows);
    expect(rankings.every((r) => r.every((c) => c.service !== 'gateway'))).toBe(true);
    const rt = rows.map((r, k) => ({ r, k })).filter(({ r }) => ds.test.labels!.get(truth.ids[r])!.anomalyType === 'rt');
    return evaluateLocalization(rt.map(({ k }) => rankings[k]), rt.map(({ r }) => truth.rootCauses[r]!)).service.at[1];
  };

  it('puts the slowed service (or the caller of the slow external API) first for each rt incident', async () => {
    expect(await rtP1(new MonitorRankLocalizer())).toBe(1);
  });

  it('without clean history, an earlier incident within the hour misleads a later one', async () => {
    // the user fault (minute 120) has the cache fault (minute 90) in its 60-minute history
    expect(await rtP1(new MonitorRankLocalizer({ cleanHistory: false }))).toBeLessThan(1);
  });

  it('needs raw traces', async () => {
    await expect(new MonitorRankLocalizer().fit({ stv: ds.train.stv! })).rejects.toThrow(/needs raw traces/);
  });
});

describe('monitorrank options', () => {
  it('reject a value out of range, naming the option and its range', () => {
    expect(() => checkOptions('monitorrank', MONITORRANK_OPTIONS, { maxIter: -1 })).toThrow('monitorrank: option "maxIter" must be an integer >= 1, found -1');
    expect(() => checkOptions('monitorrank', MONITORRANK_OPTIONS, { alpha: 1.5 })).toThrow('monitorrank: option "alpha" must be a number >= 0 and <= 1, found 1.5');
  });

  it('default to the old values', () => {
    expect(defaultsOf(MONITORRANK_OPTIONS)).toEqual({
      rho: 0.1,
      alpha: 0.85,
      tol: 1e-10,
      maxIter: 200,
      bucketSec: 60,
      historyMin: 60,
      incidentGapMin: 5,
      minBuckets: 10,
      node: 'service',
      excludeFrontend: true,
      cleanHistory: true,
    });
  });
});
