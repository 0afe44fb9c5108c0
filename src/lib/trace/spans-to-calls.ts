import type { Call, Trace } from './trace.ts';
import { ENTRANCE, MAX_TIME_MS, validTime } from './trace.ts';
import type { Span } from './span.ts';
import { TraceIssue } from '../util/errors.ts';
import type { InputLocation, IssueLog } from '../util/errors.ts';

const sameSpan = (a: Span, b: Span): boolean =>
  a.spanId === b.spanId && a.parentId === b.parentId && a.service === b.service && a.operation === b.operation && a.kind === b.kind &&
  a.start === b.start && a.end === b.end && a.status === b.status && a.instance === b.instance && a.shared === b.shared;

/** The spans without identical copies of an earlier one (a copy only when every field is the same). */
function withoutRepeats(spans: Span[]): { spans: Span[]; dropped: number; firstDropped: string } {
  const first = new Map<string, number>();
  let more: Map<string, number[]> | undefined; // further different spans with an id already seen
  let out: Span[] | undefined; // a copy, made at the first repeat
  let firstDropped = '';
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i];
    const f = first.get(s.spanId);
    if (f === undefined) first.set(s.spanId, i);
    else if (sameSpan(spans[f], s) || (more?.get(s.spanId) ?? []).some((k) => sameSpan(spans[k], s))) {
      out ??= spans.slice(0, i);
      firstDropped ||= s.spanId;
      continue;
    } else {
      more ??= new Map();
      const list = more.get(s.spanId);
      if (list) list.push(i);
      else more.set(s.spanId, [i]);
    }
    out?.push(s);
  }
  return { spans: out ?? spans, dropped: out ? spans.length - out.length : 0, firstDropped };
}

const isClientSide = (s: Span) => s.kind === 'client' || s.kind === 'producer';

/**
 * Turns the spans of one trace into calls (the paper's call/response messages):
 * - a server span whose parent is a client span gives one call with all four timestamps
 *   (call sent = client start, call received = server start, response sent = server end,
 *   response received = client end); the caller is the client span's service;
 * - a server (or unmarked) span without a client parent uses its own start as the send time and its own end
 *   as the receive time; its caller is the service of its parent span, or `start` for a root span;
 * - a root client span (a browser, a load generator) stands for the outside world: its callee's caller is `start`;
 * - a span nested inside a span of the same service (internal spans, a second server span) is not a call;
 * - a client span without a server child (a call to an uninstrumented service) is not a call.
 * Zipkin's shared span ids (client and server half of one RPC with one id) are understood.
 * Identical copies of a span (exports cut by the minute often repeat a row) are dropped and counted in `issues`;
 * two different spans with one id stay an error.
 * Throws a TraceIssue on a missing parent, a cycle, a negative duration or duplicate span ids.
 */
export function spansToTrace(traceId: string, input: Span[], where: InputLocation, issues?: IssueLog): Trace {
  const loc = { ...where, traceId };
  const { spans, dropped, firstDropped } = withoutRepeats(input);
  if (dropped > 0) issues?.repeatedRows(loc, dropped, firstDropped);
  const n = spans.length;
  const indexOf = new Map<string, number>(); // span id -> index of the span children hang under
  const sharedClient = new Map<number, number>(); // server index -> client index, for shared ids
  for (let i = 0; i < n; i++) {
    const s = spans[i];
    if (!validTime(s.start) || !validTime(s.end)) {
      throw new TraceIssue(loc, 'invalid-time', `span ${s.spanId} has a time beyond +-${MAX_TIME_MS} ms, the range of dates (start ${s.start}, end ${s.end})`);
    }
    if (!(s.end >= s.start)) {
      throw new TraceIssue(loc, 'negative-duration', `span ${s.spanId} has a negative or invalid duration (start ${s.start}, end ${s.end})`);
    }
    const prev = indexOf.get(s.spanId);
    if (prev === undefined) {
      indexOf.set(s.spanId, i);
    } else if (isClientSide(spans[prev]) !== isClientSide(s) && !sharedClient.has(isClientSide(s) ? prev : i)) {
      const [client, server] = isClientSide(s) ? [i, prev] : [prev, i];
      sharedClient.set(server, client);
      indexOf.set(s.spanId, server);
    } else {
      throw new TraceIssue(loc, 'duplicate-span-id', `duplicate span id ${s.spanId}`);
    }
  }
  const parent = new Int32Array(n).fill(-1);
  const firstChild = new Int32Array(n).fill(-1);
  const nextSibling = new Int32Array(n).fill(-1);
  const roots: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = spans[i];
    let p = sharedClient.get(i);
    if (p === undefined && s.parentId !== undefined) {
      p = indexOf.get(s.parentId);
      if (p === undefined) throw new TraceIssue(loc, 'missing-parent', `span ${s.spanId} has parent ${s.parentId}, which is not in the trace`);
      if (p === i) throw new TraceIssue(loc, 'cycle', `span ${s.spanId} is its own parent`);
    }
    if (p === undefined) roots.push(i);
    else {
      parent[i] = p;
      nextSibling[i] = firstChild[p];
      firstChild[p] = i;
    }
  }
  // Breadth-first from the roots: parents before children; spans never reached hang in a cycle.
  const queue = new Int32Array(n);
  let tail = 0;
  for (const r of roots.sort((a, b) => spans[a].start - spans[b].start || a - b)) queue[tail++] = r;
  const callOfSpan = new Int32Array(n).fill(-1); // the call a span runs in (its own, for a callee span)
  const calls: Call[] = [];
  for (let head = 0; head < tail; head++) {
    const i = queue[head];
    for (let c = firstChild[i]; c >= 0; c = nextSibling[c]) queue[tail++] = c;
    const s = spans[i];
    const pi = parent[i];
    const enclosing = pi >= 0 ? callOfSpan[pi] : -1;
    if (isClientSide(s)) {
      callOfSpan[i] = enclosing;
      continue;
    }
    const p = pi >= 0 ? spans[pi] : undefined;
    const viaClient = p !== undefined && isClientSide(p);
    if (p !== undefined && !viaClient && p.service === s.service) {
      callOfSpan[i] = enclosing; // nested inside a span of the same service: not a call
      continue;
    }
    const call: Call = {
      caller: p === undefined || (viaClient && parent[pi] < 0) ? ENTRANCE : p.service,
      callee: s.service,
      callSent: viaClient ? p.start : s.start,
      callReceived: s.start,
      responseSent: s.end,
      responseReceived: viaClient ? p.end : s.end,
    };
    if (s.operation !== undefined) call.endpoint = s.operation;
    const status = s.status ?? (viaClient ? p.status : undefined);
    if (status !== undefined) call.status = status;
    if (s.instance !== undefined) call.instance = s.instance;
    if (enclosing >= 0) call.parent = enclosing;
    callOfSpan[i] = calls.length;
    calls.push(call);
  }
  if (tail < n) {
    const reached = new Uint8Array(n);
    for (let k = 0; k < tail; k++) reached[queue[k]] = 1;
    const stuck = spans[reached.indexOf(0)];
    throw new TraceIssue(loc, 'cycle', `span ${stuck.spanId} is part of a parent cycle`);
  }
  if (calls.length === 0) throw new TraceIssue(loc, 'no-calls', 'trace has no server-side span');
  return { id: traceId, calls };
}
