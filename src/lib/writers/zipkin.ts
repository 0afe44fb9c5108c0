import type { Trace } from '../trace/trace.ts';
import { unitHash } from '../util/hash.ts';
import { jsonArrayLines, micros, traceSpans } from './spans.ts';

/** A stable made-up pod address for an instance name (Zipkin endpoints carry addresses, not pod names). */
function ipv4Of(instance: string): string {
  const h = Math.floor(unitHash(instance) * 2 ** 16);
  return `10.244.${h >> 8}.${(h & 0xff) || 1}`;
}

/** One trace as Zipkin v2 spans (times in microseconds; client and server halves as separate spans). */
export function zipkinSpans(t: Trace): unknown[] {
  return traceSpans(t).map((s) => {
    const local: { serviceName: string; ipv4?: string } = { serviceName: s.service };
    if (s.instance !== undefined) local.ipv4 = ipv4Of(s.instance);
    const span: Record<string, unknown> = { traceId: t.id, id: s.spanId };
    if (s.parentId !== undefined) span.parentId = s.parentId;
    span.kind = s.kind === 'server' ? 'SERVER' : 'CLIENT';
    span.name = s.operation ?? s.service;
    span.timestamp = micros(s.start);
    span.duration = micros(s.end) - micros(s.start);
    span.localEndpoint = local;
    if (s.status !== undefined) span.tags = { 'http.status_code': s.status };
    return span;
  });
}

/** Zipkin v2 JSON as an array of traces (the `/api/v2/traces` shape), one trace per line. */
export function zipkinLines(traces: Iterable<Trace>): Generator<string> {
  return jsonArrayLines('[', traces, zipkinSpans, ']');
}
