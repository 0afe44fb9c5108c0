import { describe, expect, it } from 'vitest';
import { fitNormalisation, normalise } from '../../src/lib/stv/normalise.ts';
import { Whitelist } from '../../src/lib/stv/whitelist.ts';
import { encodeTraces } from '../../src/lib/stv/encode.ts';
import { summarizeStv } from '../../src/lib/stv/summary.ts';
import { CallPathList } from '../../src/lib/callpaths/call-path-list.ts';
import type { StvMatrix } from '../../src/lib/stv/matrix.ts';
import type { Call, Trace } from '../../src/lib/trace/trace.ts';

const m = (rows: number[][]): StvMatrix => ({ ids: rows.map((_, i) => `t${i}`), width: rows[0].length, values: Float32Array.from(rows.flat()) });

describe('normalisation (reference readdata.py, std floored at 1)', () => {
  it('standardises valid values with mean/std over valid values only, keeps -1, drops never-valid columns', () => {
    const train = m([
      [10, -1, 5, -1],
      [20, 7, 5, -1],
      [30, 9, 5, -1],
      [-1, 8, 5, -1],
    ]);
    const norm = fitNormalisation(train);
    expect(norm.columns).toEqual([0, 1, 2]);
    // col 0: mean 20, population std sqrt(200/3) = 8.165; col 1: mean 8, std sqrt(2/3) = 0.816 -> floored to 1; col 2: std 0 -> 1
    expect(norm.mean).toEqual([20, 8, 5]);
    expect(norm.std[0]).toBeCloseTo(Math.sqrt(200 / 3), 10);
    expect(norm.std.slice(1)).toEqual([1, 1]);
    const x = normalise(m([[40, -1, 6, 3]]), norm);
    expect(x.width).toBe(3);
    expect(x.values[0]).toBeCloseTo(20 / Math.sqrt(200 / 3), 5);
    expect([...x.values.slice(1)]).toEqual([-1, 1]);
  });
});

describe('HSTV summary', () => {
  it('counts valid dimensions and distinct valid-dimension sets', () => {
    expect(summarizeStv(m([[1, -1, -1], [2, -1, -1], [3, 4, -1], [-1, 0, -1]]))).toEqual({ traces: 4, dimensions: 3, validDimensions: 2, distinctValidSets: 3 });
  });
});

describe('unseen call paths and the whitelist (sec. IV-B)', () => {
  const c = (caller: string, callee: string, t: number, parent?: number): Call => ({ caller, callee, callSent: t, callReceived: t, responseSent: t + 1, ...(parent === undefined ? {} : { parent }) });
  const train: Trace = { id: 'n', calls: [c('start', 'a', 0), c('a', 'b', 1, 0)] };
  const fresh: Trace = { id: 'new', calls: [c('start', 'a', 0), c('a', 'x', 1, 0), c('a', 'b', 2, 0)] };
  const list = CallPathList.fromTraces([train]);

  it('reports each unseen path of a trace', () => {
    const { unseen, matrix } = encodeTraces(list, [train, fresh]);
    expect(unseen).toEqual([{ traceId: 'new', row: 1, pathIds: ['x(start->a,a->x)', 'b(start->a,a->x,a->b)'] }]);
    expect(matrix.dimensionIds).toEqual(['a(start->a)', 'b(start->a,a->b)']);
  });

  it('exact whitelist entries cover one path; prefix entries also the paths that extend it', () => {
    const exact = Whitelist.fromJSON(['x(start->a,a->x)']);
    expect(encodeTraces(list, [fresh], exact).unseen[0].pathIds).toEqual(['b(start->a,a->x,a->b)']);
    const prefix = Whitelist.fromJSON({ prefixes: ['x(start->a,a->x)'] });
    expect(encodeTraces(list, [fresh], prefix).unseen).toEqual([]);
    expect(() => Whitelist.fromJSON({ path: [] }, 'w.json')).toThrow(/w\.json: unknown whitelist key "path"/);
  });
});
