import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** The shape of a huge trace: a chain (each span the child of the one before) or flat (every span a child of the root). */
export type HugeShape = 'chain' | 'flat';
export type HugeFormat = 'jaeger' | 'zipkin' | 'otlp' | 'messages-csv' | 'spans-csv';

/**
 * Writes one trace of `spans` server spans (services alternate between two names, so that every span below the
 * root is a call), plus a small good trace `ok` after it, in `format`, to `file`; spans in time order (a flat
 * trace's children start one after the other). Streams, so that a million spans need no big string.
 * For messages-csv, `spans` is the number of calls. Returns the column mapping a spans-csv file needs.
 */
export async function writeHugeTrace(file: string, format: HugeFormat, shape: HugeShape, spans: number): Promise<object | undefined> {
  const out = createWriteStream(file);
  let buffer = '';
  const put = async (s: string) => {
    buffer += s;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  };
  // span i: start i ms after the root, service a/b alternating down a chain, b below the root when flat
  const parentOf = (i: number) => (i === 0 ? -1 : shape === 'chain' ? i - 1 : 0);
  const serviceOf = (i: number) => (shape === 'chain' ? (i % 2 === 0 ? 'a' : 'b') : i === 0 ? 'a' : 'b');
  const startOf = (i: number) => 1_000 + i;
  const endOf = (i: number) => (shape === 'chain' ? 1_000 + 2 * spans - i : i === 0 ? 1_000 + spans + 1 : startOf(i) + 1);
  const traces: [string, number][] = [['huge', spans], ['ok', 3]];
  let mapping: object | undefined;
  if (format === 'jaeger') {
    await put('{"data": [');
    for (const [t, n] of traces) {
      await put(`${t === 'huge' ? '' : ','}{"traceID": "${t}", "processes": {"pa": {"serviceName": "a"}, "pb": {"serviceName": "b"}}, "spans": [`);
      for (let i = 0; i < n; i++) {
        const p = parentOf(i);
        const refs = p < 0 ? '[]' : `[{"refType": "CHILD_OF", "spanID": "${t}${p}"}]`;
        const dur = (endOf(i) - startOf(i)) * 1000;
        await put(`${i ? ',' : ''}\n{"spanID": "${t}${i}", "processID": "p${serviceOf(i)}", "startTime": ${startOf(i) * 1000}, "duration": ${dur}, "references": ${refs}, "tags": [{"key": "span.kind", "value": "server"}]}`);
      }
      await put(']}');
    }
    await put(']}\n');
  } else if (format === 'zipkin') {
    await put('[');
    let first = true;
    for (const [t, n] of traces) {
      for (let i = 0; i < n; i++) {
        const p = parentOf(i);
        await put(`${first ? '' : ','}\n{"traceId": "${t}", "id": "${t}${i}"${p < 0 ? '' : `, "parentId": "${t}${p}"`}, "kind": "SERVER", "timestamp": ${startOf(i) * 1000}, "duration": ${(endOf(i) - startOf(i)) * 1000}, "localEndpoint": {"serviceName": "${serviceOf(i)}"}}`);
        first = false;
      }
    }
    await put(']\n');
  } else if (format === 'otlp') {
    // the collector's file exporter: one document per line, here one per 1,000 spans
    for (const [t, n] of traces) {
      for (let from = 0; from < n; from += 1000) {
        for (const svc of ['a', 'b']) {
          const spansOut: string[] = [];
          for (let i = from; i < Math.min(n, from + 1000); i++) {
            if (serviceOf(i) !== svc) continue;
            const p = parentOf(i);
            spansOut.push(`{"traceId": "${t}", "spanId": "${t}${i}"${p < 0 ? '' : `, "parentSpanId": "${t}${p}"`}, "kind": 2, "startTimeUnixNano": "${startOf(i) * 1e6}", "endTimeUnixNano": "${endOf(i) * 1e6}"}`);
          }
          if (spansOut.length === 0) continue;
          await put(`{"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "${svc}"}}]}, "scopeSpans": [{"spans": [${spansOut.join(',')}]}]}]}\n`);
        }
      }
    }
  } else if (format === 'spans-csv') {
    await put('trace,span,parent,service,start,end\n');
    for (const [t, n] of traces) {
      for (let i = 0; i < n; i++) await put(`${t},${t}${i},${parentOf(i) < 0 ? '' : `${t}${parentOf(i)}`},${serviceOf(i)},${startOf(i)},${endOf(i)}\n`);
    }
    mapping = { traceId: 'trace', spanId: 'span', parentId: 'parent', service: 'service', start: 'start', end: 'end' };
  } else {
    await put('trace_id,kind,from,to,sent_ms,received_ms\n');
    for (const [t, n] of traces) {
      // calls in time order; responses after them (a chain answers from the deepest call up)
      for (let i = 0; i < n; i++) {
        const from = i === 0 ? 'start' : serviceOf(parentOf(i));
        await put(`${t},call,${from},${serviceOf(i)},${i === 0 ? '' : startOf(i)},${startOf(i)}\n`);
      }
      const order = shape === 'chain' ? Array.from({ length: n }, (_, k) => n - 1 - k) : Array.from({ length: n }, (_, k) => (k + 1) % n);
      for (const i of order) {
        const to = i === 0 ? 'start' : serviceOf(parentOf(i));
        await put(`${t},response,${serviceOf(i)},${to},${endOf(i)},${i === 0 ? '' : endOf(i)}\n`);
      }
    }
  }
  out.end(buffer);
  await once(out, 'finish');
  return mapping;
}
