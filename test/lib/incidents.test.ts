import { describe, expect, it } from 'vitest';
import { groupIncidents, incidentOfRows, traceStart } from '../../src/lib/trace-features/incidents.ts';

describe('incidents from anomalous traces', () => {
  it('splits where consecutive anomalous traces are more than the gap apart, whatever the row order', () => {
    // rows 0..5 start at these ms; rows 1, 2, 4, 5 are anomalous
    const starts = [0, 1000, 400_000, 999, 100_000, 90_000];
    const inc = groupIncidents(starts, [4, 1, 2, 5], 60_000);
    expect(inc.map((i) => i.rows)).toEqual([[1], [5, 4], [2]]);
    expect(inc[1]).toMatchObject({ start: 90_000, end: 100_000 });
    expect(incidentOfRows(inc).get(4)).toBe(inc[1]);
  });

  it('a trace starts at its earliest call (send time, else receive time)', () => {
    expect(traceStart({ id: 't', calls: [{ caller: 'start', callee: 'a', callReceived: 10, responseSent: 20 }, { caller: 'a', callee: 'b', callSent: 12, callReceived: 13, responseSent: 14 }] })).toBe(10);
  });
});
