import { describe, expect, it } from 'vitest';
import { TRACEANOMALY_LOCALIZER_OPTIONS, TraceAnomalyLocalizer } from '../../src/methods/traceanomaly-rca/localizer.ts';
import { CallPathList } from '../../src/lib/callpaths/call-path-list.ts';
import { encodeTraces } from '../../src/lib/stv/encode.ts';
import type { StvMatrix } from '../../src/lib/stv/matrix.ts';
import { sampleTraces, treeTrace, withNode, type CallNode } from '../helpers/test-traces.ts';
import { checkOptions, defaultsOf } from '../../src/lib/options/schema.ts';

// a calls b (which calls c, then d) and then f; x is called by d in 30% of the traces (a second structure)
const NORMAL: CallNode = {
  svc: 'a', self: 3, sd: 0.5,
  children: [{ svc: 'b', self: 3, sd: 0.5, children: [{ svc: 'c', self: 4, sd: 0.5 }, { svc: 'd', self: 5, sd: 0.5 }] }, { svc: 'f', self: 2, sd: 0.3 }],
};
const WITH_X = withNode(NORMAL, 'd', (n) => ({ ...n, children: [{ svc: 'x', self: 6, sd: 0.5 }] }));
const train = [...sampleTraces('n', NORMAL, 70, 1), ...sampleTraces('x', WITH_X, 30, 2)];

async function fitted(input: 'traces' | 'stv') {
  const loc = new TraceAnomalyLocalizer();
  if (input === 'traces') await loc.fit({ traces: train });
  else {
    const list = CallPathList.fromTraces(train);
    await loc.fit({ stv: encodeTraces(list, train).matrix });
    return { loc, encode: (ts: ReturnType<typeof treeTrace>[]) => ({ stv: encodeTraces(list, ts).matrix }) };
  }
  return { loc, encode: (ts: ReturnType<typeof treeTrace>[]) => ({ traces: ts }) };
}

describe.each(['traces', 'stv'] as const)('TraceAnomaly localisation without HSTV (on %s)', (input) => {
  it('a service removed from the middle: the next called microservice after the longest common path', async () => {
    const { loc, encode } = await fitted(input);
    // c is gone: b calls d straight away (on traces, d's path and every later one is unseen)
    const noC = treeTrace('noC', withNode(NORMAL, 'c', () => null));
    const [d] = loc.diagnose(encode([noC]), [0]);
    expect(d.mode).toBe('common-path');
    expect(d.commonPath).toEqual(['start->a', 'a->b']);
    expect(d.candidates[0]).toMatchObject({ service: 'c', callPath: 'c(start->a,a->b,b->c)' });
    // then the end of the common path (b), then its caller (a)
    expect(d.candidates.slice(1).map((c) => c.service)).toEqual(['b', 'a']);
  });

  it('a trace cut short: its paths are all known, the set is new; the call that should have followed', async () => {
    const { loc, encode } = await fitted(input);
    // d fails: b returns after c and a never calls f
    const cut: CallNode = { ...NORMAL, children: [{ svc: 'b', self: 3, children: [{ svc: 'c', self: 4 }] }] };
    const [d] = loc.diagnose(encode([treeTrace('cut', cut)]), [0]);
    expect(d.mode).toBe('common-path');
    expect(d.commonPath).toEqual(['start->a', 'a->b', 'b->c']);
    expect(d.candidates[0]).toMatchObject({ service: 'd', callPath: 'd(start->a,a->b,b->c,b->d)' });
  });

  it('several possible next calls: the one more frequent in training first', async () => {
    const { loc, encode } = await fitted(input);
    // the trace stops after d; training continued with f (70 traces) or x (30)
    const cut: CallNode = { ...NORMAL, children: [NORMAL.children![0]] };
    const [d] = loc.diagnose(encode([treeTrace('cut', cut)]), [0]);
    expect(d.candidates.slice(0, 2).map((c) => c.service)).toEqual(['f', 'x']);
  });
});

describe('TraceAnomaly localisation with HSTVs', () => {
  it('ranks only the anomalous dimensions, longest path first; with none out of band, every dimension by deviation', async () => {
    const { loc } = await fitted('traces');
    const slowC = treeTrace('slowC', withNode(NORMAL, 'c', (n) => ({ ...n, self: 60 })));
    const fresh = treeTrace('fresh', NORMAL);
    const [a, b] = loc.diagnose({ traces: [slowC, fresh] }, [0, 1]);
    expect(a.candidates.map((c) => c.service)).toEqual(['c', 'b', 'a']);
    expect(a.candidates[0].score).toBeGreaterThan(3);
    expect(b.anomalous).toEqual([]);
    expect(b.candidates).toHaveLength(5);
    expect(b.candidates.every((c) => c.score < 0 && c.score > -1)).toBe(true);
  });

  it('refuses input of another kind or width, and rank before fit', async () => {
    await expect(new TraceAnomalyLocalizer().rank({ traces: [] }, [])).rejects.toThrow(/before fit/);
    const { loc } = await fitted('traces');
    await expect(loc.rank({ stv: { ids: [], width: 3, values: new Float32Array() } }, [])).rejects.toThrow(/fitted on raw traces/);
  });
});

describe('TraceAnomaly localisation on vector-only STVs (no dimension ids)', () => {
  const m = (rows: number[][]): StvMatrix => ({ ids: rows.map((_, i) => `r${i}`), width: rows[0].length, values: Float32Array.from(rows.flat()) });
  const train = m([
    [10, 20, 30, -1], [12, 22, 28, -1], [11, 21, 29, -1], [10, 20, 30, -1], [12, 22, 28, -1],
    [10, 20, -1, 5], [12, 20, -1, 5],
  ]);

  it('names dimensions by index: anomalous ones by deviation, or those the nearest set has and the row lacks', async () => {
    const loc = new TraceAnomalyLocalizer();
    await loc.fit({ stv: train });
    const [hstv, missing] = loc.diagnose({ stv: m([[90, 21, 60, -1], [11, -1, 29, -1]]) }, [0, 1]);
    expect(hstv.mode).toBe('hstv');
    expect(hstv.anomalous).toEqual([0, 2]);
    // |z| of dimension 0: 79 / 0.894 = 88; of dimension 2: 31 / 0.894 = 35
    expect(hstv.candidates.map((c) => [c.service, c.dimension, c.callPath])).toEqual([['dimension 0', 0, undefined], ['dimension 2', 2, undefined]]);
    expect(missing.mode).toBe('nearest-set');
    expect(missing.candidates.map((c) => c.dimension)).toEqual([1]);
  });
});

describe('localizeAnomalies (root-cause columns of the detect command)', () => {
  it('gives the top candidate of each anomalous row, in the order asked', async () => {
    const { localizeAnomalies } = await import('../../src/harness/cli/localize-anomalies.ts');
    const { loc } = await fitted('traces');
    const slowD = treeTrace('slowD', withNode(NORMAL, 'd', (n) => ({ ...n, self: 60 })));
    const noC = treeTrace('noC', withNode(NORMAL, 'c', () => null));
    const cols = await localizeAnomalies(loc, { traces: [treeTrace('ok', NORMAL), slowD, noC] }, [2, 1]);
    expect(cols).toEqual([
      { root_cause_service: 'c', root_cause_path: 'c(start->a,a->b,b->c)' },
      { root_cause_service: 'd', root_cause_path: 'd(start->a,a->b,b->c,b->d)' },
    ]);
    expect(await localizeAnomalies(loc, { traces: [] }, [])).toEqual([]);
  });
});

describe('traceanomaly-rca options', () => {
  it('reject a value out of range, naming the option and its range', () => {
    expect(() => checkOptions('traceanomaly-rca', TRACEANOMALY_LOCALIZER_OPTIONS, { minGroup: -1 })).toThrow('traceanomaly-rca: option "minGroup" must be an integer >= 1, found -1');
    expect(() => checkOptions('traceanomaly-rca', TRACEANOMALY_LOCALIZER_OPTIONS, { sigmaK: 0 })).toThrow('traceanomaly-rca: option "sigmaK" must be a number > 0, found 0');
    expect(() => checkOptions('traceanomaly-rca', TRACEANOMALY_LOCALIZER_OPTIONS, { k: 2 })).toThrow(/traceanomaly-rca: unknown option "k"/);
  });

  it('default to the old values (k renamed sigmaK)', () => {
    expect(defaultsOf(TRACEANOMALY_LOCALIZER_OPTIONS)).toEqual({ sigmaK: 3, sided: 'two', minGroup: 1, stdFloor: 1, input: 'auto', definition: 'prefix', edgeLabel: 'service' });
  });
});
