import { describe, expect, it } from 'vitest';
import { CallPathList } from '../../src/lib/callpaths/call-path-list.ts';
import { ABSENT } from '../../src/lib/stv/matrix.ts';
import { loadTraces } from '../../src/lib/readers/read-traces.ts';
import type { Trace } from '../../src/lib/trace/trace.ts';
import { fixture } from '../helpers/files.ts';

/** The dense row rebuilt from the sparse form. */
function densify(width: number, s: { dims: Int32Array; values: Float64Array }): number[] {
  const row: number[] = new Array(width).fill(ABSENT);
  s.dims.forEach((d, i) => (row[d] = s.values[i]));
  return row;
}

describe('sparse STV encoding', () => {
  it('equals the dense row (Fig. 1, both path definitions), dimensions ascending', async () => {
    const traces = await loadTraces(fixture('fig1/messages.csv'), 'messages-csv');
    for (const definition of ['prefix', 'ancestors'] as const) {
      const list = CallPathList.fromTraces(traces, { definition });
      const s = list.encodeSparse(traces[0]);
      expect(s.unseen).toBe(0);
      expect([...s.dims]).toEqual([...s.dims].sort((a, b) => a - b));
      expect(densify(list.width, s)).toEqual([...list.encode(traces[0]).row]);
    }
  });

  it('averages a repeated path and counts unseen calls', () => {
    const c = (caller: string, callee: string, t: number, rt: number, parent?: number) => ({ caller, callee, callSent: t, callReceived: t, responseSent: t + rt, ...(parent === undefined ? {} : { parent }) });
    const t: Trace = { id: 't', calls: [c('start', 'a', 0, 100), c('a', 'b', 1, 10, 0), c('a', 'b', 20, 30, 0)] };
    const list = CallPathList.fromTraces([t], { definition: 'ancestors' });
    expect(list.encodeSparse(t)).toEqual({ dims: Int32Array.of(0, 1), values: Float64Array.of(100, 20), unseen: 0 });
    const other: Trace = { id: 'o', calls: [c('start', 'a', 0, 100), c('a', 'x', 1, 10, 0)] };
    expect(list.encodeSparse(other).unseen).toBe(1);
  });
});

describe('dimension of each call', () => {
  it('agrees with pathsOf, in the input order of the calls; -1 for an unseen path', async () => {
    const traces = await loadTraces(fixture('fig1/messages.csv'), 'messages-csv');
    for (const definition of ['prefix', 'ancestors'] as const) {
      const list = CallPathList.fromTraces(traces, { definition });
      const dims = list.callDimensions(traces[0]);
      const ids = list.dimensionIds;
      for (const p of list.pathsOf(traces[0])) expect(ids[dims[p.call]]).toBe(p.id);
    }
    const c = (caller: string, callee: string, t: number) => ({ caller, callee, callSent: t, callReceived: t, responseSent: t + 1 });
    const list = CallPathList.fromTraces([{ id: 't', calls: [c('start', 'a', 0), c('a', 'b', 1)] }]);
    expect([...list.callDimensions({ id: 'u', calls: [c('a', 'x', 1), c('start', 'a', 0)] })]).toEqual([-1, 0]);
  });
});
