import type { Trace } from '../trace/trace.ts';
import { nanosText, statusValue, traceSpans } from './spans.ts';

const attr = (key: string, v: string | number) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } });

/** One trace as an OTLP/JSON `{"resourceSpans": [...]}` document, spans grouped by service and instance. */
export function otlpDocument(t: Trace): unknown {
  const groups = new Map<string, { resource: unknown; spans: unknown[] }>();
  for (const s of traceSpans(t)) {
    const key = `${s.service}\u0000${s.instance ?? ''}`;
    let g = groups.get(key);
    if (g === undefined) {
      const attributes = [attr('service.name', s.service)];
      if (s.instance !== undefined) attributes.push(attr('k8s.pod.name', s.instance));
      g = { resource: { attributes }, spans: [] };
      groups.set(key, g);
    }
    const span: Record<string, unknown> = { traceId: t.id, spanId: s.spanId };
    if (s.parentId !== undefined) span.parentSpanId = s.parentId;
    span.name = s.operation ?? s.service;
    span.kind = s.kind === 'server' ? 2 : 3;
    span.startTimeUnixNano = nanosText(s.start);
    span.endTimeUnixNano = nanosText(s.end);
    if (s.status !== undefined) {
      span.attributes = [attr('http.status_code', statusValue(s.status))];
      if (/^[45]\d\d$/.test(s.status)) span.status = { code: 2 };
    }
    g.spans.push(span);
  }
  return {
    resourceSpans: [...groups.values()].map((g) => ({ resource: g.resource, scopeSpans: [{ scope: { name: 'traceanomaly' }, spans: g.spans }] })),
  };
}

/** OTLP/JSON lines, one document per trace (the collector's file exporter format). */
export function* otlpLines(traces: Iterable<Trace>): Generator<string> {
  for (const t of traces) yield JSON.stringify(otlpDocument(t));
}
