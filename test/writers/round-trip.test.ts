import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CallPathList } from '../../src/lib/callpaths/call-path-list.ts';
import { loadTraces } from '../../src/lib/readers/read-traces.ts';
import { detectFormat } from '../../src/lib/readers/detect-format.ts';
import { encodeTraces } from '../../src/lib/stv/encode.ts';
import type { Trace } from '../../src/lib/trace/trace.ts';
import { IssueLog } from '../../src/lib/util/errors.ts';
import { extensionOf, WRITE_FORMATS, writeTraceFile } from '../../src/lib/writers/write-traces.ts';
import { trainTicketDays } from '../../datasets/trainticket/simulate.ts';
import { fixture, tempDir } from '../helpers/files.ts';
import { smallConfig } from '../helpers/sim.ts';

const days = trainTicketDays(smallConfig(3));
const train = [...days.train].map((s) => s.trace);
// test traces: faults included (cut-short traces, fallbacks, error and timeout codes)
const test = [...days.test].map((s) => s.trace).slice(0, 2500);
const list = CallPathList.fromTraces(train);
const stvOf = (traces: Trace[]) => encodeTraces(list, traces).matrix;

describe.each(WRITE_FORMATS)('%s writer', (format) => {
  it('round-trips simulated traces: export -> reader -> the same STVs as in memory', async () => {
    const path = join(tempDir(), `test${extensionOf(format)}.gz`);
    await writeTraceFile(path, test, format);
    expect(await detectFormat(path)).toBe(format);
    const issues = new IssueLog(true);
    const back = await loadTraces(path, format, { issues });
    const byId = new Map(back.map((t) => [t.id, t]));
    const ordered = test.map((t) => byId.get(t.id)!);
    expect(ordered.every((t) => t !== undefined)).toBe(true);
    const a = stvOf(test);
    const b = stvOf(ordered);
    let differing = 0;
    for (let i = 0; i < a.values.length; i++) if (a.values[i] !== b.values[i]) differing++;
    expect(b.values.length).toBe(a.values.length);
    expect(differing).toBe(0);
    if (format !== 'messages-csv') {
      // span formats also keep endpoints and status codes
      const key = (t: Trace) => t.calls.map((c) => `${c.caller}>${c.callee}:${c.endpoint}:${c.status}`).sort().join('|');
      expect(ordered.map(key)).toEqual(test.map(key));
    }
  });

  it('writes the same bytes for the same traces', async () => {
    const dir = tempDir();
    await writeTraceFile(join(dir, 'a.gz'), test.slice(0, 200), format);
    await writeTraceFile(join(dir, 'b.gz'), test.slice(0, 200), format);
    expect(readFileSync(join(dir, 'a.gz')).equals(readFileSync(join(dir, 'b.gz')))).toBe(true);
  });
});

describe('writers on the Fig. 1 trace', () => {
  it.each(WRITE_FORMATS)('%s keeps the response times of Fig. 4', async (format) => {
    const [t] = await loadTraces(fixture('fig1/messages.csv'), 'messages-csv');
    const path = join(tempDir(), `fig1${extensionOf(format)}`);
    await writeTraceFile(path, [t], format);
    const [back] = await loadTraces(path, format);
    const fig = CallPathList.fromTraces([back]);
    expect(Object.fromEntries(fig.dimensionIds.map((id, j) => [id, fig.encode(back).row[j]]))).toEqual({
      'a(start->a)': 222,
      'b(start->a,a->b)': 209,
      'c(start->a,a->b,b->c)': 4,
      'd(start->a,a->b,b->c,b->d)': 44,
      'e(start->a,a->b,b->c,b->d,d->e)': 28,
      'e(start->a,a->b,b->c,b->d,d->e,b->e)': 67,
    });
  });
});
