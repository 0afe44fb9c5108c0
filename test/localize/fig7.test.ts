import { describe, expect, it } from 'vitest';
import { TraceAnomalyLocalizer } from '../../src/methods/traceanomaly-rca/localizer.ts';
import type { StvMatrix } from '../../src/lib/stv/matrix.ts';
import { treeTrace, type CallNode } from '../helpers/test-traces.ts';
import { Random } from '../../src/lib/util/random.ts';

// Paper Fig. 7: the valid dimensions of an anomalous trace, a HSTV value of each and the trace's value
const FIG7 = [
  { id: 'a(start->a)', hstv: 222, value: 1302, anomalous: true },
  { id: 'b(start->a,a->b)', hstv: 209, value: 1138, anomalous: true },
  { id: 'c(start->a,a->b,b->c)', hstv: 4, value: 9, anomalous: false },
  { id: 'd(start->a,a->b,b->c,b->d)', hstv: 44, value: 36, anomalous: false },
  { id: 'e(start->a,a->b,b->c,b->d,d->e)', hstv: 30, value: 32, anomalous: false },
  { id: 'e(start->a,a->b,b->c,b->d,d->e,b->e)', hstv: 67, value: 980, anomalous: true },
];
// HSTVs with the figure's value as mean and these population stds (two rows per pair: mean - s, mean + s)
const STD = [30, 25, 2, 4, 3, 10];

function fig7Matrix(): { train: StvMatrix; test: StvMatrix } {
  const ids = ['x(start->x)', ...FIG7.map((d) => d.id)]; // dimension 0 belongs to another structure
  const rows: number[][] = [];
  for (let r = 0; r < 10; r++) rows.push([-1, ...FIG7.map((d, j) => d.hstv + (r % 2 === 0 ? -1 : 1) * STD[j])]);
  // training traces of another structure (without dimension 6), far slower: they must not enter the 3-sigma test
  for (let r = 0; r < 10; r++) rows.push([-1, 1300 + r, 1130 + r, 9, 36, 32, -1]);
  rows.push([5, -1, -1, -1, -1, -1, -1]);
  const train: StvMatrix = { ids: rows.map((_, i) => `t${i}`), width: ids.length, values: Float32Array.from(rows.flat()), dimensionIds: ids };
  const test: StvMatrix = { ids: ['anomalous'], width: ids.length, values: Float32Array.from([-1, ...FIG7.map((d) => d.value)]), dimensionIds: ids };
  return { train, test };
}

describe('TraceAnomaly localisation: paper Fig. 7', () => {
  it('dimensions 1, 2 and 6 are anomalous; dimension 6, e via (start->a, a->b, b->c, b->d, d->e, b->e), is the root cause', async () => {
    const { train, test } = fig7Matrix();
    const loc = new TraceAnomalyLocalizer();
    await loc.fit({ stv: train });
    const [d] = loc.diagnose({ stv: test }, [0]);
    expect(d.mode).toBe('hstv');
    expect(d.hstvCount).toBe(10);
    // matrix column j + 1 is the figure's dimension j + 1 (column 0 is the other structure's)
    expect(d.anomalous).toEqual([1, 2, 6]);
    expect(FIG7.filter((x) => x.anomalous).map((x) => x.id)).toEqual(d.anomalous!.map((j) => train.dimensionIds![j]));
    const top = d.candidates[0];
    expect(top).toMatchObject({ service: 'e', callPath: 'e(start->a,a->b,b->c,b->d,d->e,b->e)', dimension: 6 });
    // the other anomalous dimensions follow by call path length: b (2 steps), a (1 step)
    expect(d.candidates.map((c) => c.dimension)).toEqual([6, 2, 1]);
  });

  it('the same from raw traces: a slow e under b propagates to b and a, and e via b->e is localised', async () => {
    // Fig. 1's shape: a calls b; b calls c, then d (which calls e), then e
    const tree = (eSelf: number): CallNode => ({
      svc: 'a', self: 5, sd: 1,
      children: [{ svc: 'b', self: 5, sd: 1, children: [{ svc: 'c', self: 2, sd: 0.3 }, { svc: 'd', self: 10, sd: 1, children: [{ svc: 'e', self: 7, sd: 1 }] }, { svc: 'e', self: eSelf, sd: 2 }] }],
    });
    const rng = new Random(7);
    const train = Array.from({ length: 200 }, (_, i) => treeTrace(`n${i}`, tree(30), rng));
    const slow = treeTrace('slow', tree(450));
    const loc = new TraceAnomalyLocalizer();
    await loc.fit({ traces: train });
    const [d] = loc.diagnose({ traces: [slow] }, [0]);
    expect(d.mode).toBe('hstv');
    expect(d.candidates.map((c) => c.callPath)).toEqual(['e(start->a,a->b,b->c,b->d,d->e,b->e)', 'b(start->a,a->b)', 'a(start->a)']);
  });
});
