import type { Trace } from '../trace/trace.ts';
import type { Span } from '../trace/span.ts';
import { parseSpanKind } from '../trace/span.ts';
import { readBytes } from './input.ts';
import { streamJsonArrayElements } from './json-stream.ts';
import { issueLog, maxSpans, type ReadOptions } from './options.ts';
import { asNumber, asObject, asString } from './json-fields.ts';
import { SpanGroups } from './span-groups.ts';
import type { InputLocation } from '../util/errors.ts';

function zipkinSpan(raw: unknown, where: InputLocation): [string, Span] {
  const s = asObject(raw, where, 'span');
  const traceId = asString(s.traceId, where, 'traceId');
  const loc = { ...where, traceId };
  const spanId = asString(s.id, loc, 'id');
  const local = (s.localEndpoint ?? {}) as { serviceName?: string; ipv4?: string; ipv6?: string; port?: number };
  const service = asString(local.serviceName, loc, `span ${spanId} localEndpoint.serviceName`);
  const start = asNumber(s.timestamp, loc, `span ${spanId} timestamp`) / 1000;
  const duration = s.duration === undefined ? 0 : asNumber(s.duration, loc, `span ${spanId} duration`) / 1000;
  const span: Span = { spanId, service, kind: parseSpanKind(s.kind), start, end: start + duration };
  if (typeof s.parentId === 'string' && s.parentId !== '') span.parentId = s.parentId;
  if (typeof s.name === 'string') span.operation = s.name;
  if (s.shared === true) span.shared = true;
  const tags = (s.tags ?? {}) as Record<string, string>;
  const status = tags['http.status_code'] ?? tags['rpc.grpc.status_code'] ?? (tags.error !== undefined ? 'error' : undefined);
  if (status !== undefined) span.status = String(status);
  const host = local.ipv4 ?? local.ipv6;
  if (host !== undefined) span.instance = local.port !== undefined ? `${host}:${local.port}` : host;
  return [traceId, span];
}

/**
 * Zipkin v2 JSON: a span array (`/api/v2/spans` style) or an array of traces, each a span array
 * (`/api/v2/traces`). Times in microseconds. Shared client/server span ids are understood.
 */
export async function* readZipkin(file: string, opts: ReadOptions = {}): AsyncGenerator<Trace> {
  const groups = new SpanGroups(file, maxSpans(opts));
  for await (const { value, line } of streamJsonArrayElements(readBytes(file), null, file)) {
    const where = { file, line };
    for (const raw of Array.isArray(value) ? value : [value]) {
      const [traceId, span] = zipkinSpan(raw, where);
      groups.add(traceId, span, line);
    }
  }
  yield* groups.traces(issueLog(opts));
}
