import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTraces } from '../../src/readers/read-traces.ts';
import { IssueLog, InputError, TraceIssue } from '../../src/util/errors.ts';
import { tempDir, tempFile } from '../helpers/files.ts';
import { cli } from '../helpers/cli.ts';

/** A Jaeger document of traces given as [id, parent, service, kind, start ms, duration ms] rows. */
function jaeger(traces: Record<string, [string, string | null, string, string, number, number][]>): string {
  return JSON.stringify({
    data: Object.entries(traces).map(([tid, rows]) => ({
      traceID: tid,
      processes: Object.fromEntries([...new Set(rows.map((r) => r[2]))].map((s) => [s, { serviceName: s }])),
      spans: rows.map(([id, parent, svc, kind, start, dur]) => ({
        traceID: tid, spanID: id, operationName: 'op', processID: svc, startTime: start * 1000, duration: dur * 1000,
        references: parent ? [{ refType: 'CHILD_OF', traceID: tid, spanID: parent }] : [],
        tags: [{ key: 'span.kind', type: 'string', value: kind }],
      })),
    })),
  }, null, 1);
}

const good: [string, string | null, string, string, number, number][] = [
  ['1', null, 'a', 'server', 0, 100],
  ['2', '1', 'a', 'client', 10, 50],
  ['3', '2', 'b', 'server', 12, 40],
];

describe('per-trace problems: the trace is skipped with a counted warning (or the read fails with --strict)', () => {
  const cases: [string, string, [string, string | null, string, string, number, number][]][] = [
    ['missing-parent', 'has parent 9, which is not in the trace', [...good, ['4', '9', 'c', 'server', 20, 5]]],
    ['cycle', 'parent cycle', [good[0], ['2', '3', 'a', 'client', 10, 50], ['3', '2', 'b', 'server', 12, 40]]],
    ['negative-duration', 'negative or invalid duration', [...good, ['4', '3', 'c', 'server', 20, -5]]],
    ['duplicate-span-id', 'duplicate span id 3', [...good, ['3', '1', 'c', 'server', 20, 5]]],
  ];

  it.each(cases)('%s', async (kind, message, rows) => {
    const file = tempFile('t.json', jaeger({ good, bad: rows }));
    const issues = new IssueLog();
    const traces = await loadTraces(file, 'jaeger', { issues });
    expect(traces.map((t) => t.id)).toEqual(['good']);
    expect(issues.summary()).toEqual({ [kind]: 1 });
    expect(issues.examples[0].message).toContain('trace bad');
    expect(issues.examples[0].message).toContain(message);
    expect(issues.examples[0].message).toContain(`${file}:`);
    await expect(loadTraces(file, 'jaeger', { issues: new IssueLog(true) })).rejects.toBeInstanceOf(TraceIssue);
  });

  it('a message log whose response has no call skips that trace', async () => {
    const file = tempFile('m.csv', 'trace_id,kind,from,to,sent_ms,received_ms\nT,call,start,a,,0\nT,response,a,start,10,\nU,response,b,a,5,6\n');
    const issues = new IssueLog();
    expect((await loadTraces(file, 'messages-csv', { issues })).map((t) => t.id)).toEqual(['T']);
    expect(issues.summary()).toEqual({ 'unmatched-message': 1 });
    expect(issues.examples[0].message).toMatch(/m\.csv:4, trace U: response b -> a has no matching call/);
  });
});

describe('file problems: the run fails, naming the file and line', () => {
  it('truncated JSON', async () => {
    const text = jaeger({ good });
    const file = tempFile('t.json', text.slice(0, text.length - 40));
    const err = await loadTraces(file, 'jaeger').catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/t\.json:\d+: truncated JSON/);
  });

  it('a non-numeric time', async () => {
    const file = tempFile('m.csv', 'trace_id,kind,from,to,sent_ms,received_ms\nT,call,start,a,,0\nT,response,a,start,ten,\n');
    await expect(loadTraces(file, 'messages-csv')).rejects.toThrow(/m\.csv:3: sent_ms is not a number: "ten"/);
    const j = tempFile('j.json', jaeger({ good }).replace('"startTime": 0', '"startTime": "soon"'));
    await expect(loadTraces(j, 'jaeger')).rejects.toThrow(/j\.json:\d+, trace good: span 1 startTime is not a number: "soon"/);
  });

  it('a CSV row with the wrong number of columns', async () => {
    const file = tempFile('m.csv', 'trace_id,kind,from,to,sent_ms,received_ms\nT,call,start,a,,0\nT,response,a,start,10\n');
    await expect(loadTraces(file, 'messages-csv')).rejects.toThrow(/m\.csv:3: expected 6 columns .* found 5/);
  });

  it('an empty file', async () => {
    const file = tempFile('e.json', '');
    await expect(loadTraces(file, 'jaeger')).rejects.toThrow(/e\.json: empty file/);
  });
});

describe('the CLI on bad input', () => {
  it('exits non-zero with the reason and leaves no output file behind', () => {
    const text = jaeger({ good, other: good });
    const file = tempFile('broken.json', text.slice(0, text.length - 30));
    const out = join(tempDir(), 'out');
    const r = cli('stv', '--in', file, '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken\.json:\d+: truncated JSON/);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('warns about skipped traces and counts them; --strict fails instead', () => {
    const file = tempFile('t.json', jaeger({ good, bad: [...good, ['4', '9', 'c', 'server', 20, 5]] }));
    const out = join(tempDir(), 'out');
    const r = cli('stv', '--in', file, '--out', out);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/skipped 1 trace\(s\) of .*t\.json: 1 missing-parent/);
    expect(readFileSync(join(out, 'stv.csv'), 'utf8').trim().split('\n')).toHaveLength(2);
    const strictOut = join(tempDir(), 'out');
    const s = cli('stv', '--in', file, '--out', strictOut, '--strict');
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/trace bad: span 4 has parent 9/);
    expect(existsSync(strictOut)).toBe(false);
  });
});
