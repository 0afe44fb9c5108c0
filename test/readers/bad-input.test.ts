import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { detectFormat } from '../../src/lib/readers/detect-format.ts';
import { Whitelist } from '../../src/lib/stv/whitelist.ts';
import { CallPathList, type CallPathListJson } from '../../src/lib/callpaths/call-path-list.ts';
import { join } from 'node:path';
import { loadTraces } from '../../src/lib/readers/read-traces.ts';
import { IssueLog, InputError, TraceIssue } from '../../src/lib/util/errors.ts';
import { fixture, tempDir, tempFile } from '../helpers/files.ts';
import { readStvCsv, readStvText } from '../../src/lib/readers/stv-files.ts';
import { cli } from '../helpers/cli.ts';
import { writeHugeTrace } from '../../bench/huge-traces.ts';
import { DEFAULT_MAX_SPANS_PER_TRACE } from '../../src/lib/readers/options.ts';
import { validateColumnMapping, type ColumnMapping } from '../../src/lib/readers/spans-csv.ts';

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

describe('--max-spans-per-trace: a trace with more spans is skipped with a counted warning naming it', () => {
  const formats = ['jaeger', 'zipkin', 'otlp', 'spans-csv', 'messages-csv'] as const;
  const cases = formats.flatMap((f) => (['chain', 'flat'] as const).map((s) => [f, s] as const));

  it.each(cases)('%s, %s trace', async (format, shape) => {
    const file = join(tempDir(), format.endsWith('csv') ? 'huge.csv' : 'huge.json');
    const columns = (await writeHugeTrace(file, format, shape, 11)) as ColumnMapping | undefined;
    const opts = columns ? { columns } : {};
    const issues = new IssueLog();
    const kept = await loadTraces(file, format, { ...opts, issues, maxSpansPerTrace: 10 });
    expect(kept.map((t) => t.id)).toEqual(['ok']);
    expect(issues.summary()).toEqual({ 'too-many-spans': 1 });
    const what = format === 'messages-csv' ? 'calls' : 'spans';
    expect(issues.examples[0].message).toMatch(new RegExp(`huge\\.(csv|json):\\d+, trace huge: 11 ${what}, more than --max-spans-per-trace 10$`));
    // at the cap the trace is read whole: every span below the root is a call
    const all = await loadTraces(file, format, { ...opts, maxSpansPerTrace: 11 });
    expect(all.map((t) => [t.id, t.calls.length])).toEqual([['huge', 11], ['ok', 3]]);
    await expect(loadTraces(file, format, { ...opts, issues: new IssueLog(true), maxSpansPerTrace: 10 })).rejects.toThrow(/trace huge: 11/);
  });

  it('defaults to 5,000 spans; the CLI warns, names the trace and takes the option', async () => {
    const file = join(tempDir(), 'huge.json');
    await writeHugeTrace(file, 'zipkin', 'flat', DEFAULT_MAX_SPANS_PER_TRACE + 1);
    const issues = new IssueLog();
    expect((await loadTraces(file, 'zipkin', { issues })).map((t) => t.id)).toEqual(['ok']);
    const out = join(tempDir(), 'out');
    const r = cli('stv', '--in', file, '--out', out, '--max-spans-per-trace', '3');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: skipped 1 trace\(s\) of .*huge\.json: 1 too-many-spans\n {2}.*huge\.json:2, trace huge: 5001 spans, more than --max-spans-per-trace 3\n/);
    expect(readFileSync(join(out, 'stv.csv'), 'utf8').trim().split('\n').map((l) => l.split(',')[0])).toEqual(['trace_id', 'ok']);
    const bad = cli('stv', '--in', file, '--out', out, '--max-spans-per-trace', '0');
    expect([bad.code, bad.stderr.split('\n')[0]]).toEqual([2, 'traceanomaly stv: --max-spans-per-trace must be an integer >= 1']);
  });
});

describe('malformed documents and column mappings: an error naming the file (and line), never a TypeError', () => {
  const otlp = (scopeSpans: string) => `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"a"}}]},"scopeSpans":${scopeSpans}}]}`;
  const jaegerDoc = (span: string, processes = '{"p":{"serviceName":"a"}}') => `{"data":[{"traceID":"t","spans":[{"spanID":"1","processID":"p","startTime":1,"duration":2${span}}],"processes":${processes}}]}`;
  it.each([
    ['otlp', otlp('5'), /d\.json:1: "scopeSpans" is not a JSON array$/],
    ['otlp', otlp('[null]'), /d\.json:1: "scopeSpans" element is not a JSON object$/],
    ['otlp', otlp('[{"spans": {"a": 1}}]'), /d\.json:1: "spans" is not a JSON array$/],
    ['otlp', otlp('[{"spans": [null]}]'), /d\.json:1: span is not a JSON object$/],
    ['jaeger', jaegerDoc(',"references":[null]'), /d\.json:1, trace t: span 1 reference is not a JSON object$/],
    ['jaeger', jaegerDoc('', '5'), /d\.json:1, trace t: "processes" is not a JSON object$/],
  ] as const)('%s: %s', async (format, doc, message) => {
    const file = tempFile('d.json', doc);
    const err = await loadTraces(file, format).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(message);
  });

  const mapping = { traceId: 'TraceID', spanId: 'SpanID', parentId: 'ParentID', instance: 'PodName', start: 'StartTimeUnixNano', end: 'EndTimeUnixNano', timeUnit: 'ns' };
  it.each([
    [{ serviceFromInstance: { pattern: '(', replacement: '$1' } }, /map\.json: "serviceFromInstance\.pattern" is not a valid regular expression: .*Unterminated group/],
    [{ serviceFromInstance: { pattern: 'x' } }, /map\.json: "serviceFromInstance" must be \{"pattern"/],
    [{ separator: '' }, /map\.json: "separator" must be one character/],
    [{ separator: ';;' }, /map\.json: "separator" must be one character/],
    [{ rootParentValues: 'root' }, /map\.json: "rootParentValues" must be a list of strings/],
    [{ services: ['a'] }, /map\.json: "services" must map instance names to service names/],
    [{ traceId: { col: 1 } }, /map\.json: "traceId" must be a column name, a 0-based column index or a list of them/],
    [{ noHeader: 'yes' }, /map\.json: "noHeader" must be true or false/],
  ])('mapping %j', (extra, message) => {
    expect(() => validateColumnMapping({ ...mapping, ...extra }, 'map.json')).toThrow(message);
  });
});

describe('overflowing and hex numbers', () => {
  // the Fig. 1 trace in each format, with one time replaced
  const fig1 = (name: string) => readFileSync(fixture(`fig1/${name}`), 'utf8');
  const columns = () => JSON.parse(fig1('columns.json')) as ColumnMapping;
  it.each([
    ['jaeger', 'jaeger.json', /"duration": 222000/, '"duration": 1e400'],
    ['zipkin', 'zipkin.json', /"duration": 222000/, '"duration": 1e400'],
    ['otlp', 'otlp.json', /"endTimeUnixNano": "1519747202362000000"/, '"endTimeUnixNano": "1e300"'],
    ['messages-csv', 'messages.csv', /,1519747202357$/m, ',1e308'],
    ['spans-csv', 'spans.csv', /1519747202362000000/, '1'.padEnd(302, '0')],
  ] as const)('%s: a time beyond the range of dates makes the trace damaged (skipped, counted), never Infinity in an STV', async (format, name, from, to) => {
    const text = fig1(name);
    expect(text).toMatch(from);
    const file = tempFile(name, text.replace(from, to));
    const issues = new IssueLog();
    const err = await loadTraces(file, format, { issues, ...(format === 'spans-csv' ? { columns: columns() } : {}) }).catch((e) => e);
    expect(err.message).toMatch(/no usable traces/);
    expect(issues.summary()).toEqual({ 'invalid-time': 1 });
    expect(issues.examples[0].message).toMatch(/:\d+, trace \w+-?\d*: .*beyond \+-8640000000000000 ms, the range of dates/);
  });

  it.each([
    ['messages-csv', 'messages.csv', /1519747202146/, '0x5a7a3b8c', /messages\.csv:3: received_ms is not a number: "0x5a7a3b8c"/],
    ['otlp', 'otlp.json', /"1519747202362000000"/, '"0x5a7a3b8c"', /otlp\.json:\d+, trace 0+1: span \w+ endTimeUnixNano is not a number: "0x5a7a3b8c"/],
    ['spans-csv', 'spans.csv', /1519747202362000000/, '0x5a7a3b8c', /spans\.csv:\d+, trace UUID-1: end is not a number: "0x5a7a3b8c"/],
  ] as const)('%s: a hex number is not a number', async (format, name, from, to, message) => {
    const file = tempFile(name, fig1(name).replace(from, to));
    await expect(loadTraces(file, format, format === 'spans-csv' ? { columns: columns() } : {})).rejects.toThrow(message);
  });

  it('stv files: a hex value is not a number, a value beyond float32 is out of range', async () => {
    await expect(readStvText(tempFile('s.txt', 'a:1,2\nb:0x10,2\n'))).rejects.toThrow(/s\.txt:2: value 1 is not a number: "0x10"/);
    await expect(readStvText(tempFile('s.txt', 'a:1,2\nb:1e300,2\n'))).rejects.toThrow(/s\.txt:2: value 1 is out of range: 1e300/);
    await expect(readStvCsv(tempFile('s.csv', 'trace_id,x,y\na,1,1e39\n'))).rejects.toThrow(/s\.csv:2: .* is out of range: 1e39/);
  });
});

describe('a file whose every trace is skipped', () => {
  it('fails with the reasons and the first traces on its one line (it said only "no usable traces (2 skipped)")', async () => {
    const file = tempFile('t.json', jaeger({
      x: [...good, ['4', '9', 'c', 'server', 20, 5]],
      y: [good[0], ['2', '3', 'a', 'client', 10, 50], ['3', '2', 'b', 'server', 12, 40]],
    }));
    const err = await loadTraces(file, 'jaeger', { issues: new IssueLog() }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/^\S+t\.json: no usable traces: all 2 skipped \(1 missing-parent, 1 cycle\); first: \S+t\.json:\d+, trace x: span 4 has parent 9, which is not in the trace; \S+t\.json:\d+, trace y: span \d is part of a parent cycle$/);
  });
});

describe('files: folders, byte order marks, long first lines, archives, header-only STVs', () => {
  it('a folder is said to be one (it was "cannot decompress: EISDIR")', async () => {
    const dir = tempDir();
    await expect(detectFormat(dir)).rejects.toThrow(new RegExp(`^${dir}: is a folder, not a file: give one trace or STV file$`));
  });

  it('an stv.csv or messages-csv with a UTF-8 byte order mark reads as without', async () => {
    const csv = 'trace_id,a(start->a)\nt1,12\n';
    const bom = tempFile('s.csv', `\uFEFF${csv}`);
    expect(await detectFormat(bom)).toBe('stv-csv');
    expect(await readStvCsv(bom)).toEqual(await readStvCsv(tempFile('s.csv', csv)));
    const m = readFileSync(fixture('fig1/messages.csv'), 'utf8');
    expect(await loadTraces(tempFile('m.csv', `\uFEFF${m}`), 'messages-csv')).toEqual(await loadTraces(fixture('fig1/messages.csv'), 'messages-csv'));
  });

  it('stv-text whose first line is longer than the 64 KiB format detection reads', async () => {
    // 't12:' and 1-character values: the 65,536th byte is a comma, so the cut line ends in one
    const values = Array.from({ length: 40_000 }, (_, i) => (i % 3 ? '0' : '7')).join(',');
    const file = tempFile('v.txt', `t12:${values}\nt13:${values}\n`);
    expect(`t12:${values}`[65_535]).toBe(',');
    expect(await detectFormat(file)).toBe('stv-text');
    expect((await readStvText(file)).width).toBe(40_000);
  });

  const zipOf = (files: Record<string, string>, stored = false): string => {
    const dir = tempDir();
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const zip = join(dir, 'a.zip');
    execFileSync('zip', ['-q', '-j', ...(stored ? ['-0'] : []), zip, ...Object.keys(files).map((n) => join(dir, n))]);
    return zip;
  };

  it('an archive: a member that is no trace file is named; several files are refused, named', async () => {
    const readme = zipOf({ 'README.txt': 'Hello, these are my traces\n' });
    await expect(detectFormat(readme)).rejects.toThrow(/a\.zip:1: cannot tell the format from the first line \(archive member README\.txt\)/);
    const two = zipOf({ 'x.txt': 't1:1,2\n', 'y.txt': 't2:1,2\n' });
    await expect(readStvText(two)).rejects.toThrow(/a\.zip: the archive holds 2 files \(x\.txt, y\.txt\); it must hold one/);
  });

  it.each([true, false])('a damaged archive member is found by its CRC-32 (stored: %s)', async (stored) => {
    const rows = Array.from({ length: 2000 }, (_, i) => `t${i}:${i % 7},${(i * 13) % 11}`).join('\n');
    const zip = zipOf({ 'v.txt': `${rows}\n` }, stored);
    expect((await readStvText(zip)).ids).toHaveLength(2000);
    const bytes = readFileSync(zip);
    // a byte in the middle of the member's data: a digit changed keeps the file readable, only the CRC tells
    const at = bytes.indexOf(stored ? 't1000:' : 'v.txt') + (stored ? 6 : 600);
    bytes[at] = stored ? (bytes[at] === 0x31 ? 0x32 : 0x31) : bytes[at] ^ 0x10;
    writeFileSync(zip, bytes);
    await expect(readStvText(zip)).rejects.toThrow(/a\.zip(:\d+)?: (member v\.txt is damaged|cannot decompress member v\.txt|.*not a number)/);
    if (stored) await expect(readStvText(zip)).rejects.toThrow(/a\.zip: member v\.txt is damaged: its CRC-32 does not match the archive's/);
  });

  it('an stv.csv with a header and no rows is an error (inspect and detect exited 0)', async () => {
    await expect(readStvCsv(tempFile('s.csv', 'trace_id,a(start->a)\n'))).rejects.toThrow(/s\.csv: a header but no rows/);
  });
});

describe('accepted silently before: trailing text, whitelist entries that are not strings, an unknown definition', () => {
  it.each([
    ['zipkin', 'zipkin.json', 'garbage\n'],
    ['jaeger', 'jaeger.json', ', {"data": []}\n'],
    ['otlp', 'otlp.json', '"more"\n'],
  ] as const)('%s: text after the JSON document', async (format, name, tail) => {
    const text = readFileSync(fixture(`fig1/${name}`), 'utf8');
    const file = tempFile(name, `${text.trimEnd()}\n${tail}`);
    const line = text.trimEnd().split('\n').length + 1;
    await expect(loadTraces(file, format)).rejects.toThrow(new RegExp(`${name.replace('.', '\\.')}:${line}: invalid JSON: text after the JSON document$`));
  });

  it('several JSON documents (the collector writes one per line) and a byte order mark are fine', async () => {
    const doc = JSON.stringify(JSON.parse(readFileSync(fixture('fig1/otlp.json'), 'utf8')));
    const file = tempFile('o.jsonl', `\uFEFF${doc}\n${doc.replaceAll('00000000000000000000000000000001', '2')}\n`);
    expect((await loadTraces(file, 'otlp')).map((t) => t.id)).toEqual(['00000000000000000000000000000001', '2']);
  });

  it.each([
    [[5], /w\.json: entry\[0\] must be a call path id \(a string\), found 5/],
    [{ paths: ['a(start->a)', null] }, /w\.json: "paths"\[1\] must be a call path id \(a string\), found null/],
    [{ prefixes: [{}] }, /w\.json: "prefixes"\[0\] must be a call path id \(a string\), found \{\}/],
  ])('whitelist %j', (raw, message) => {
    expect(() => Whitelist.fromJSON(raw, 'w.json')).toThrow(message);
  });

  it('a call path list with an unknown definition, edge label or dimension', () => {
    const good = { format: 'traceanomaly-callpaths', version: 1, definition: 'prefix', edgeLabel: 'service', dimensions: [{ id: 'a(start->a)', service: 'a', path: ['start->a'] }] };
    expect(CallPathList.fromJSON(good as CallPathListJson).width).toBe(1);
    expect(() => CallPathList.fromJSON({ ...good, definition: 'suffix' } as unknown as CallPathListJson)).toThrow(/unknown "definition" "suffix" \(prefix or ancestors\)/);
    expect(() => CallPathList.fromJSON({ ...good, edgeLabel: 'pod' } as unknown as CallPathListJson)).toThrow(/unknown "edgeLabel" "pod"/);
    expect(() => CallPathList.fromJSON({ ...good, dimensions: [{ id: 'a' }] } as unknown as CallPathListJson)).toThrow(/dimension 1 is not/);
  });
});

describe('duplicate trace ids and duplicate span rows', () => {
  it('a second trace with one id in a Jaeger file or an STV file is an error naming both lines', async () => {
    const j = tempFile('t.json', jaeger({ a: good, b: good }).replace('"traceID": "b"', '"traceID": "a"'));
    await expect(loadTraces(j, 'jaeger')).rejects.toThrow(/t\.json:\d+, trace a: a second trace with this id \(the first is at line \d+\)$/);
    await expect(readStvText(tempFile('s.txt', 'x:1,2\ny:1,2\nx:3,4\n'))).rejects.toThrow(/s\.txt:3, trace x: a second trace with this id \(the first is at line 1\)$/);
    await expect(readStvCsv(tempFile('s.csv', 'trace_id,a\nx,1\nx,2\n'))).rejects.toThrow(/s\.csv:3, trace x: a second trace with this id \(the first is at line 2\)$/);
  });

  it('identical duplicate span rows are dropped with a counted note; differing ones still skip the trace', async () => {
    const rows = [...good, good[2], good[1]];
    const file = tempFile('t.json', jaeger({ a: rows, b: [...good, ['3', '1', 'b', 'server', 12, 41]] }));
    const issues = new IssueLog();
    const traces = await loadTraces(file, 'jaeger', { issues });
    expect(traces.map((t) => t.id)).toEqual(['a']);
    const ref = (await loadTraces(tempFile('r.json', jaeger({ a: good })), 'jaeger'))[0];
    expect(traces[0].calls).toEqual(ref.calls);
    expect(issues.repeats).toEqual({ rows: 2, traces: 1, first: expect.stringMatching(/t\.json:\d+, trace a: span 3$/) });
    expect(issues.summary()).toEqual({ 'duplicate-span-id': 1 });
    // span tables repeat rows too: the CLI says so in one note line
    const csv = readFileSync(fixture('fig1/spans.csv'), 'utf8').trimEnd().split('\n');
    const repeated = tempFile('spans.csv', [...csv, csv[3], csv[3]].join('\n'));
    const r = cli('stv', '--in', repeated, '--columns', fixture('fig1/columns.json'), '--out', join(tempDir(), 'o'));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^note: dropped 2 identical duplicate span row\(s\) in 1 trace\(s\) of \S+spans\.csv \(first: \S+spans\.csv:2, trace UUID-1: span \w+\)$/m);
  });
});
