import type { Trace } from '../trace/trace.ts';
import type { Span } from '../trace/span.ts';
import { parseSpanKind } from '../trace/span.ts';
import { readBytes } from './input.ts';
import { streamJsonArrayElements } from './json-stream.ts';
import { issueLog, maxSpans, type ReadOptions } from './options.ts';
import { asArray, asObject, asString, nanosToMillis } from './json-fields.ts';
import { SpanGroups } from './span-groups.ts';
import { InputError } from '../util/errors.ts';

interface KeyValue {
  key: string;
  value?: Record<string, unknown>;
}

function attribute(attrs: unknown, key: string): string | undefined {
  if (!Array.isArray(attrs)) return undefined;
  const kv = (attrs as KeyValue[]).find((a) => a && a.key === key);
  if (kv?.value === undefined) return undefined;
  const v = kv.value.stringValue ?? kv.value.intValue ?? kv.value.doubleValue ?? kv.value.boolValue;
  return v === undefined ? undefined : String(v);
}

/** OTLP/JSON status code 2 = ERROR. */
function otlpStatus(s: Record<string, unknown>): string | undefined {
  const http = attribute(s.attributes, 'http.response.status_code') ?? attribute(s.attributes, 'http.status_code');
  if (http !== undefined) return http;
  const code = (s.status as { code?: unknown } | undefined)?.code;
  return code === 2 || code === 'STATUS_CODE_ERROR' ? 'error' : undefined;
}

/**
 * OTLP/JSON: `{"resourceSpans": [{"resource", "scopeSpans": [{"spans": [...]}]}]}`, one document or one per line
 * (the collector's file exporter). Times in nanoseconds (decimal strings). Service from `service.name`.
 */
export async function* readOtlp(file: string, opts: ReadOptions = {}): AsyncGenerator<Trace> {
  const groups = new SpanGroups(file, maxSpans(opts));
  for await (const { value, line } of streamJsonArrayElements(readBytes(file), 'resourceSpans', file)) {
    const where = { file, line };
    const rs = asObject(value, where, 'resourceSpans element');
    const resAttrs = (rs.resource as { attributes?: unknown } | undefined)?.attributes;
    const service = attribute(resAttrs, 'service.name');
    if (service === undefined) throw new InputError(where, 'resource has no service.name attribute');
    const instance = attribute(resAttrs, 'k8s.pod.name') ?? attribute(resAttrs, 'service.instance.id') ?? attribute(resAttrs, 'host.name');
    const scopes = asArray(rs.scopeSpans ?? rs.instrumentationLibrarySpans, where, '"scopeSpans"');
    for (const rawScope of scopes) {
      const scope = asObject(rawScope, where, '"scopeSpans" element');
      for (const raw of asArray(scope.spans, where, '"spans"')) {
        const s = asObject(raw, where, 'span');
        const traceId = asString(s.traceId, where, 'traceId');
        const loc = { ...where, traceId };
        const spanId = asString(s.spanId, loc, 'spanId');
        const span: Span = {
          spanId,
          service,
          kind: parseSpanKind(s.kind),
          start: nanosToMillis(s.startTimeUnixNano, loc, `span ${spanId} startTimeUnixNano`),
          end: nanosToMillis(s.endTimeUnixNano, loc, `span ${spanId} endTimeUnixNano`),
        };
        if (typeof s.parentSpanId === 'string' && s.parentSpanId !== '' && !/^0+$/.test(s.parentSpanId)) span.parentId = s.parentSpanId;
        if (typeof s.name === 'string') span.operation = s.name;
        const status = otlpStatus(s);
        if (status !== undefined) span.status = status;
        if (instance !== undefined) span.instance = instance;
        groups.add(traceId, span, line);
      }
    }
  }
  yield* groups.traces(issueLog(opts));
}
