import type { Trace } from '../trace/trace.ts';
import { jsonArrayLines, micros, statusValue, traceSpans } from './spans.ts';

/** One trace as a Jaeger API trace object (times in microseconds; processes per service and instance). */
export function jaegerTrace(t: Trace): unknown {
  const processes: Record<string, { serviceName: string; tags: { key: string; type: string; value: string }[] }> = {};
  const pids = new Map<string, string>();
  const pidOf = (service: string, instance?: string) => {
    const key = `${service}\u0000${instance ?? ''}`;
    let pid = pids.get(key);
    if (pid === undefined) {
      pid = `p${pids.size + 1}`;
      pids.set(key, pid);
      processes[pid] = { serviceName: service, tags: instance === undefined ? [] : [{ key: 'hostname', type: 'string', value: instance }] };
    }
    return pid;
  };
  const spans = traceSpans(t).map((s) => {
    const tags: { key: string; type: string; value: unknown }[] = [{ key: 'span.kind', type: 'string', value: s.kind }];
    if (s.status !== undefined) {
      const v = statusValue(s.status);
      tags.push({ key: 'http.status_code', type: typeof v === 'number' ? 'int64' : 'string', value: v });
    }
    return {
      traceID: t.id,
      spanID: s.spanId,
      operationName: s.operation ?? s.service,
      references: s.parentId === undefined ? [] : [{ refType: 'CHILD_OF', traceID: t.id, spanID: s.parentId }],
      startTime: micros(s.start),
      duration: micros(s.end) - micros(s.start),
      tags,
      logs: [],
      processID: pidOf(s.service, s.instance),
    };
  });
  return { traceID: t.id, spans, processes, warnings: null };
}

/** A Jaeger API document `{"data": [...]}`, one trace per line. */
export function jaegerLines(traces: Iterable<Trace>): Generator<string> {
  return jsonArrayLines('{"data":[', traces, jaegerTrace, ']}');
}
