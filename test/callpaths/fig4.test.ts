import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadTraces } from '../../src/lib/readers/read-traces.ts';
import { CallPathList } from '../../src/lib/callpaths/call-path-list.ts';
import type { TraceFormat } from '../../src/lib/readers/options.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/fig1/${name}`, import.meta.url));

// Paper Fig. 4: the call paths of the trace of Fig. 1 and their response times, in message order.
const FIG4 = [
  ['a(start->a)', 222],
  ['b(start->a,a->b)', 209],
  ['c(start->a,a->b,b->c)', 4],
  ['d(start->a,a->b,b->c,b->d)', 44],
  ['e(start->a,a->b,b->c,b->d,d->e)', 28],
  ['e(start->a,a->b,b->c,b->d,d->e,b->e)', 67],
] as const;

const FILES: [TraceFormat, string][] = [
  ['messages-csv', 'messages.csv'],
  ['jaeger', 'jaeger.json'],
  ['zipkin', 'zipkin.json'],
  ['otlp', 'otlp.json'],
];

describe('paper Fig. 1 -> Fig. 4', () => {
  it('messages-csv gives exactly the six call paths and response times of Fig. 4, in order', async () => {
    const traces = await loadTraces(fixture('messages.csv'), 'messages-csv');
    expect(traces).toHaveLength(1);
    const list = CallPathList.fromTraces(traces);
    const paths = list.pathsOf(traces[0]);
    expect(paths.map((p) => p.id)).toEqual(FIG4.map(([id]) => id));
    const rts = paths.map((p) => {
      const c = traces[0].calls[p.call];
      return c.responseSent - c.callReceived;
    });
    expect(rts).toEqual(FIG4.map(([, rt]) => rt));
  });

  it.each(FILES)('%s gives the same STV as messages-csv', async (format, name) => {
    const reference = await loadTraces(fixture('messages.csv'), 'messages-csv');
    const list = CallPathList.fromTraces(reference);
    const [trace] = await loadTraces(fixture(name), format);
    const { row, unseen } = list.encode(trace);
    expect(unseen).toBe(0);
    const byId = Object.fromEntries(list.dimensionIds.map((id, j) => [id, row[j]]));
    expect(byId).toEqual(Object.fromEntries(FIG4));
  });
});
