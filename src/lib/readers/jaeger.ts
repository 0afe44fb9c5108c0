import type { Trace } from '../trace/trace.ts';
import type { Span } from '../trace/span.ts';
import { parseSpanKind } from '../trace/span.ts';
import { spansToTrace } from '../trace/spans-to-calls.ts';
import { InputError, TraceIds, TraceIssue } from '../util/errors.ts';
import { readBytes } from './input.ts';
import { streamJsonArrayElements } from './json-stream.ts';
import { issueLog, maxSpans, tooManySpans, type ReadOptions } from './options.ts';
import { asArray, asNumber, asObject, asString } from './json-fields.ts';

interface JaegerTag {
  key: string;
  value: unknown;
}

/** The tags a call needs, in one pass: span kind and status (HTTP / RPC code, else 'error' when flagged). */
function readTags(tags: unknown): { kind: unknown; status: string | undefined } {
  let kind: unknown;
  let code: unknown;
  let error = false;
  if (Array.isArray(tags)) {
    for (const t of tags as JaegerTag[]) {
      switch (t?.key) {
        case 'span.kind':
          kind = t.value;
          break;
        case 'http.status_code':
        case 'http.response.status_code':
        case 'rpc.grpc.status_code':
          code ??= t.value;
          break;
        case 'error':
          error = t.value === true || t.value === 'true';
      }
    }
  }
  return { kind, status: code !== undefined ? String(code) : error ? 'error' : undefined };
}

const tagValue = (tags: unknown, key: string): unknown =>
  Array.isArray(tags) ? (tags as JaegerTag[]).find((t) => t && t.key === key)?.value : undefined;

/**
 * Jaeger UI / API JSON: `{"data": [{"traceID", "spans": [...], "processes": {...}}]}`, times in microseconds.
 * Streams one trace per element of `data`.
 */
export async function* readJaeger(file: string, opts: ReadOptions = {}): AsyncGenerator<Trace> {
  const issues = issueLog(opts);
  const cap = maxSpans(opts);
  const ids = new TraceIds();
  for await (const { value, line } of streamJsonArrayElements(readBytes(file), 'data', file)) {
    const where = { file, line };
    const t = asObject(value, where, 'trace');
    const traceId = asString(t.traceID, where, 'traceID');
    ids.add(traceId, where);
    const processes = (t.processes === undefined || t.processes === null ? {} : asObject(t.processes, { ...where, traceId }, '"processes"')) as Record<string, { serviceName?: string; tags?: unknown }>;
    const rawSpans = t.spans;
    if (!Array.isArray(rawSpans)) throw new InputError({ ...where, traceId }, 'trace has no "spans" array');
    const loc = { ...where, traceId };
    if (rawSpans.length > cap) {
      issues.report(tooManySpans(loc, rawSpans.length, cap));
      continue;
    }
    const spans: Span[] = [];
    for (const raw of rawSpans) {
      const s = asObject(raw, loc, 'span');
      const spanId = asString(s.spanID, loc, 'spanID');
      const proc = processes[String(s.processID)] ?? (s.process as { serviceName?: string; tags?: unknown } | undefined);
      const service = proc?.serviceName;
      if (typeof service !== 'string') throw new InputError(loc, `span ${spanId}: no service name (processID ${String(s.processID)})`);
      const refs = asArray(s.references, loc, `span ${spanId} "references"`).map((r) => asObject(r, loc, `span ${spanId} reference`)) as { refType?: string; spanID?: string }[];
      const parentRef = refs.find((r) => r.refType === 'CHILD_OF') ?? refs[0];
      const parentId = (parentRef?.spanID !== undefined && parentRef.spanID !== null ? String(parentRef.spanID) : undefined) ?? (typeof s.parentSpanID === 'string' && s.parentSpanID !== '' && !/^0+$/.test(s.parentSpanID) ? s.parentSpanID : undefined);
      const start = asNumber(s.startTime, loc, `span ${spanId} startTime`) / 1000;
      const duration = asNumber(s.duration, loc, `span ${spanId} duration`) / 1000;
      const tags = readTags(s.tags);
      const span: Span = {
        spanId,
        service,
        operation: typeof s.operationName === 'string' ? s.operationName : undefined,
        kind: parseSpanKind(tags.kind),
        start,
        end: start + duration,
      };
      if (parentId !== undefined) span.parentId = parentId;
      if (tags.status !== undefined) span.status = tags.status;
      const host = tagValue(proc?.tags, 'hostname') ?? tagValue(proc?.tags, 'k8s.pod.name') ?? tagValue(proc?.tags, 'ip');
      if (host !== undefined) span.instance = String(host);
      spans.push(span);
    }
    try {
      yield spansToTrace(traceId, spans, where, issues);
    } catch (e) {
      if (e instanceof TraceIssue) issues.report(e);
      else throw e;
    }
  }
}
