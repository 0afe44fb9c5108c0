import { describe, expect, it } from 'vitest';
import { HstvDetector } from '../../../baselines/hstv-3sigma/hstv.ts';
import type { StvMatrix } from '../../../src/lib/stv/matrix.ts';
import { sampleTraces, treeTrace, withNode, type CallNode } from '../../helpers/test-traces.ts';

const m = (rows: number[][]): StvMatrix => ({ ids: rows.map((_, i) => `r${i}`), width: rows[0].length, values: Float32Array.from(rows.flat()) });

// group {0,1}: dim 0 = 10, 12, 14 (mean 12, population std sqrt(8/3)); dim 1 always 100 (std 0 -> floor 1)
// group {0,2}: a second structure
const train = m([
  [10, 100, -1], [12, 100, -1], [14, 100, -1], [10, 100, -1], [12, 100, -1], [14, 100, -1],
  [50, -1, 7], [50, -1, 7],
]);
const sd0 = Math.sqrt(8 / 3);

async function run(det: HstvDetector, rows: number[][]) {
  const stv = m(rows);
  const scores = await det.score({ stv });
  return { flagged: [...det.decide(scores)], types: await det.anomalyTypes({ stv }), scores: [...scores] };
}

describe('HSTV-3sigma on STVs', () => {
  it('judges a row against the training rows with the same valid dimensions', async () => {
    const det = new HstvDetector();
    await det.fit({ stv: train });
    expect(det.groupCount).toBe(2);
    const r = await run(det, [
      [12, 100, -1], // the group mean
      [12, 104.5, -1], // dim 1: z = 4.5 with the 1 ms floor
      [12 + 3 * sd0 + 0.01, 100, -1], // dim 0 just outside 3 std
      [12 + 3 * sd0 - 0.01, 100, -1], // just inside
      [12, -1, -1], // no training row has only dim 0 valid
      [50, -1, 7],
    ]);
    expect(r.flagged).toEqual([0, 1, 1, 0, 1, 0]);
    expect(r.types).toEqual([null, 'rt', 'rt', null, 'path', null]);
    expect(r.scores[1]).toBeCloseTo(4.5, 5);
    expect(r.scores[4]).toBe(Infinity);
  });

  it('k, std floor and one-sided are options', async () => {
    const k5 = new HstvDetector({ sigmaK: 5 });
    await k5.fit({ stv: train });
    expect((await run(k5, [[12, 104.5, -1]])).flagged).toEqual([0]);
    const floor10 = new HstvDetector({ stdFloor: 10 });
    await floor10.fit({ stv: train });
    expect((await run(floor10, [[12, 104.5, -1]])).flagged).toEqual([0]);
    const one = new HstvDetector({ sided: 'one' });
    await one.fit({ stv: train });
    expect((await run(one, [[12, 95.5, -1], [12, 104.5, -1]])).flagged).toEqual([0, 1]);
    const minGroup = new HstvDetector({ minGroup: 3 });
    await minGroup.fit({ stv: train });
    expect((await run(minGroup, [[50, -1, 7]])).types).toEqual(['path']);
  });

  it('explains: the dimensions out of band, worst first', async () => {
    const det = new HstvDetector();
    await det.fit({ stv: { ...train, dimensionIds: ['a(start->a)', 'b(start->a,a->b)', 'c(start->a,a->c)'] } });
    const [v] = det.explain({ stv: m([[20, 110, -1]]) }); // z = 8 / 1.63 = 4.9 and 10 / 1 = 10
    expect(v.reasons!.map((r) => r.detail.split(':')[0])).toEqual(['b(start->a,a->b)', 'a(start->a)']);
  });

  it('refuses a matrix of another width, and raw traces after fitting on STVs', async () => {
    const det = new HstvDetector();
    await det.fit({ stv: train });
    await expect(det.score({ stv: m([[1, 2]]) })).rejects.toThrow(/fitted on 3 dimensions, this input has 2/);
    await expect(det.score({ traces: [] })).rejects.toThrow(/fitted on service trace vectors/);
  });
});

describe('HSTV-3sigma on raw traces (via the call path list)', () => {
  const NORMAL: CallNode = {
    svc: 'a', self: 2, sd: 0.3,
    children: [{ svc: 'b', self: 3, sd: 0.3, children: [{ svc: 'c', self: 5, sd: 0.5 }] }, { svc: 'd', self: 2, sd: 0.3 }],
  };
  const traces = sampleTraces('n', NORMAL, 100, 1);

  it('a slow call is rt; an unseen call path or a missing call is path', async () => {
    const det = new HstvDetector();
    await det.fit({ traces });
    const slow = treeTrace('slow', withNode(NORMAL, 'c', (n) => ({ ...n, self: 30 })));
    const extra = treeTrace('x', { ...NORMAL, children: [...NORMAL.children!, { svc: 'x' }] });
    const missing = treeTrace('m', withNode(NORMAL, 'd', () => null));
    const fresh = sampleTraces('f', NORMAL, 20, 2);
    const all = [slow, extra, missing, ...fresh];
    const flagged = det.decide(await det.score({ traces: all }));
    expect([...flagged]).toEqual([1, 1, 1, ...fresh.map(() => 0)]);
    expect((await det.anomalyTypes({ traces: all })).slice(0, 3)).toEqual(['rt', 'path', 'path']);
    expect(det.explain({ traces: [extra] })[0].reasons![0].detail).toMatch(/unseen call paths: x\(start->a,a->b,b->c,a->d,a->x\)/);
    // the delay shows at c and at every caller above it (sec. II-D: the longest such path is the root cause)
    const out = det.explain({ traces: [slow] })[0].reasons!.map((r) => r.detail.split(':')[0]);
    expect(out.sort()).toEqual(['a(start->a)', 'b(start->a,a->b)', 'c(start->a,a->b,b->c)']);
  });
});
