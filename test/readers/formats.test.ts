import { describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { loadTraces } from '../../src/lib/readers/read-traces.ts';
import { detectFormat } from '../../src/lib/readers/detect-format.ts';
import { readStvText, readStvCsv } from '../../src/lib/readers/stv-files.ts';
import { readLabels } from '../../src/lib/readers/labels.ts';
import { instanceToService, validateColumnMapping } from '../../src/lib/readers/spans-csv.ts';
import { CallPathList } from '../../src/lib/callpaths/call-path-list.ts';
import { streamJsonArrayElements } from '../../src/lib/readers/json-stream.ts';
import { fixture, tempDir, tempFile } from '../helpers/files.ts';
import { responseTime } from '../../src/lib/trace/trace.ts';


describe('format detection', () => {
  it.each([
    ['fig1/messages.csv', 'messages-csv'],
    ['fig1/jaeger.json', 'jaeger'],
    ['fig1/zipkin.json', 'zipkin'],
    ['fig1/otlp.json', 'otlp'],
  ])('%s is %s', async (file, format) => {
    expect(await detectFormat(fixture(file))).toBe(format);
  });

  it('recognises the released STV text format, stv.csv, and span tables given a mapping', async () => {
    expect(await detectFormat(tempFile('x', 'T1:0,1.5,0\nT2:3,0,0\n'))).toBe('stv-text');
    expect(await detectFormat(tempFile('x.csv', 'trace_id,a(start->a)\nt,3\n'))).toBe('stv-csv');
    // a service with many call paths writes a header longer than the bytes detection reads (64 KiB), cut
    // inside a quoted id
    const ids = Array.from({ length: 4000 }, (_, i) => `"s${i}(start->a,a->s${i})"`);
    expect(await detectFormat(tempFile('wide.csv', `trace_id,${ids.join(',')}\nt,${ids.map(() => '-1').join(',')}\n`))).toBe('stv-csv');
    expect(await detectFormat(fixture('fig1/spans.csv'), true)).toBe('spans-csv');
    await expect(detectFormat(fixture('fig1/spans.csv'))).rejects.toThrow(/spans\.csv:1: cannot tell the format/);
  });
});

describe('spans-csv', () => {
  it('loads the Fig. 1 trace from a pod-named, nanosecond span table with the same STV', async () => {
    const columns = validateColumnMapping(JSON.parse(readFileSync(fixture('fig1/columns.json'), 'utf8')), 'columns.json');
    const [t] = await loadTraces(fixture('fig1/spans.csv'), 'spans-csv', { columns });
    const ref = await loadTraces(fixture('fig1/messages.csv'), 'messages-csv');
    const list = CallPathList.fromTraces(ref);
    expect(list.encode(t)).toEqual(list.encode(ref[0]));
    expect(new Set(t.calls.map((c) => c.callee))).toEqual(new Set(['a', 'b', 'c', 'd', 'e']));
    expect(t.calls.find((c) => c.callee === 'e')?.instance).toMatch(/^e-/);
  });

  it('maps pod names to services by stripping the Kubernetes suffix, unless the mapping says otherwise', () => {
    const rule = instanceToService({ traceId: 't', spanId: 's', start: 'x', end: 'y', instance: 'p' });
    expect(rule('ts-order-service-7d9f8b6c5d-x2v4z')).toBe('ts-order-service');
    expect(rule('ts-order-service')).toBe('ts-order-service');
    expect(rule('checkout')).toBe('checkout');
    const custom = instanceToService({
      traceId: 't', spanId: 's', start: 'x', end: 'y', instance: 'p',
      serviceFromInstance: { pattern: '^(.*)-\\d+$', replacement: '$1' },
      services: { 'db-primary': 'database' },
    });
    expect(custom('web-3')).toBe('web');
    expect(custom('db-primary')).toBe('database');
  });

  it('joins composite span ids (SkyWalking segment + span) and reads durations in their own unit', async () => {
    const file = tempFile('sw.csv', [
      'traceId,segmentId,spanId,parentSegmentId,parentSpanId,serviceCode,startTime,latencyUs',
      'T,seg1,0,,-1,gateway,1000,50000',
      'T,seg2,0,seg1,0,orders,1010,20000',
      'T,seg2,1,seg2,0,orders,1012,5000',
    ].join('\n'));
    const columns = validateColumnMapping({
      traceId: 'traceId', spanId: ['segmentId', 'spanId'], parentId: ['parentSegmentId', 'parentSpanId'],
      service: 'serviceCode', start: 'startTime', duration: 'latencyUs', timeUnit: 'ms', durationUnit: 'us',
    }, 'm.json');
    const [t] = await loadTraces(file, 'spans-csv', { columns });
    // the nested orders span is not a call: two calls, gateway 50 ms and orders 20 ms
    expect(t.calls.map((c) => [c.caller, c.callee, responseTime(c)])).toEqual([['start', 'gateway', 50], ['gateway', 'orders', 20]]);
  });

  it('rejects a mapping without the needed columns', () => {
    expect(() => validateColumnMapping({ traceId: 'a', spanId: 'b', start: 'c', service: 's' }, 'm.json')).toThrow(/m\.json: mapping needs "end" or "duration"/);
    expect(() => validateColumnMapping({ traceId: 'a', spanId: 'b', start: 'c', end: 'd', service: 's', colour: 1 }, 'm.json')).toThrow(/unknown mapping key "colour"/);
  });
});

describe('Zipkin', () => {
  it('understands shared client/server span ids and arrays of traces', async () => {
    const spans = [
      { traceId: 'T', id: '1', kind: 'SERVER', timestamp: 0, duration: 100000, localEndpoint: { serviceName: 'a' } },
      { traceId: 'T', id: '2', parentId: '1', kind: 'CLIENT', timestamp: 10000, duration: 50000, localEndpoint: { serviceName: 'a' } },
      { traceId: 'T', id: '2', parentId: '1', kind: 'SERVER', shared: true, timestamp: 12000, duration: 40000, localEndpoint: { serviceName: 'b' } },
      { traceId: 'T', id: '3', parentId: '2', kind: 'SERVER', timestamp: 20000, duration: 5000, localEndpoint: { serviceName: 'c' } },
    ];
    const [t] = await loadTraces(tempFile('z.json', JSON.stringify([spans])), 'zipkin');
    expect(t.calls.map((c) => [c.caller, c.callee, c.callSent, responseTime(c)])).toEqual([
      ['start', 'a', 0, 100],
      ['a', 'b', 10, 40],
      ['b', 'c', 20, 5],
    ]);
  });
});

describe('Jaeger span rules', () => {
  it('does not count spans nested inside a span of the same service as calls, nor client spans without a server', async () => {
    const tid = 'T';
    const span = (id: string, parent: string | null, pid: string, kind: string | null, start: number, dur: number) => ({
      traceID: tid, spanID: id, operationName: id, startTime: start * 1000, duration: dur * 1000, processID: pid,
      references: parent ? [{ refType: 'CHILD_OF', traceID: tid, spanID: parent }] : [],
      tags: kind ? [{ key: 'span.kind', type: 'string', value: kind }] : [],
    });
    const doc = {
      data: [{
        traceID: tid,
        processes: { p1: { serviceName: 'a' }, p2: { serviceName: 'b' } },
        spans: [
          span('s1', null, 'p1', 'server', 0, 100),
          span('i1', 's1', 'p1', null, 5, 60), // internal work in a
          span('c1', 'i1', 'p1', 'client', 10, 40),
          span('s2', 'c1', 'p2', 'server', 12, 30),
          span('db', 's2', 'p2', 'client', 15, 10), // a database call: no server span
        ],
      }],
    };
    const [t] = await loadTraces(tempFile('j.json', JSON.stringify(doc)), 'jaeger');
    expect(t.calls.map((c) => [c.caller, c.callee, c.callSent, responseTime(c), c.parent])).toEqual([
      ['start', 'a', 0, 100, undefined],
      ['a', 'b', 10, 30, 0],
    ]);
  });
});

describe('released STV text', () => {
  it('reads plain and zipped files; 0 is absent', async () => {
    const dir = tempDir();
    const plain = join(dir, 'v');
    copyFileSync(tempFile('v', 'T1:0,1.5,0\nT2:3,0,7\n'), plain);
    execFileSync('zip', ['-q', '-j', join(dir, 'v.zip'), plain]);
    for (const f of [plain, join(dir, 'v.zip')]) {
      const m = await readStvText(f);
      expect(m.ids).toEqual(['T1', 'T2']);
      expect([...m.values]).toEqual([-1, 1.5, -1, 3, -1, 7]);
    }
  });

  it('reads stv.csv back with its dimension ids', async () => {
    const m = await readStvCsv(tempFile('s.csv', 'trace_id,a(start->a),"b(start->a,a->b)"\nt1,5,-1\n'));
    expect(m.dimensionIds).toEqual(['a(start->a)', 'b(start->a,a->b)']);
    expect([...m.values]).toEqual([5, -1]);
  });
});

describe('labels', () => {
  it('reads trace_id,label[,anomaly_type][,root_cause] with or without a header', async () => {
    const l = await readLabels(tempFile('l.csv', 'trace_id,label,anomaly_type,root_cause\nt1,0\nt2,1,rt,ts-order-service\nt3,anomalous,path\n'));
    expect(Object.fromEntries(l)).toEqual({
      t1: { label: 0 },
      t2: { label: 1, anomalyType: 'rt', rootCause: 'ts-order-service' },
      t3: { label: 1, anomalyType: 'path' },
    });
    await expect(readLabels(tempFile('l.csv', 't1,maybe\n'))).rejects.toThrow(/l\.csv:1: label must be 0\/1/);
  });
});

describe('streaming JSON', () => {
  it('cuts elements correctly at any chunk boundary, with tricky strings', async () => {
    const doc = JSON.stringify({ meta: { data: [9] }, note: 'data', data: [{ s: 'a]}\\"[{' }, [1, { x: '\\\\' }], { 'data': [] }], after: [1] });
    const bytes = Buffer.from(doc);
    for (const size of [1, 2, 3, 5, 7, 64]) {
      async function* chunks() {
        for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
      }
      const got = [];
      for await (const e of streamJsonArrayElements(chunks(), 'data', 'f')) got.push(e.value);
      expect(got).toEqual(JSON.parse(doc).data);
    }
  });
});

describe('span tables: root parents', () => {
  it('a root span whose parent is "root" (a common exporter convention) is a root with the documented mapping', async () => {
    const text = readFileSync(fixture('fig1/spans.csv'), 'utf8').replace('UUID-1,s1,,', 'UUID-1,s1,root,');
    const file = tempFile('spans.csv', text);
    const columns = validateColumnMapping(JSON.parse(readFileSync(fixture('fig1/columns.json'), 'utf8')), 'columns.json');
    const [t] = await loadTraces(file, 'spans-csv', { columns });
    const [ref] = await loadTraces(fixture('fig1/spans.csv'), 'spans-csv', { columns });
    expect(t).toEqual(ref);
  });
});
