import type { Call, Trace } from '../trace/trace.ts';
import { ENTRANCE } from '../trace/trace.ts';
import { fnv1a } from '../util/hash.ts';

/**
 * The spans that record a trace's calls, as tracers emit them: for each call a server span at the callee
 * (call received to response sent), and, for calls made by a traced service, a client span at the caller (call
 * sent to response received) that the server span hangs under. A client span hangs under the server span of the
 * call during which it was made. Times stay in milliseconds; each writer converts them.
 */
export interface WrittenSpan {
  spanId: string;
  parentId?: string;
  kind: 'server' | 'client';
  service: string;
  instance?: string;
  operation?: string;
  start: number;
  end: number;
  status?: string;
}

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

/** A 16-hex-digit span id: a prefix from the trace id and a counter. */
const spanIdOf = (traceId: string, n: number): string => hex8(fnv1a(traceId)) + hex8(n + 1);

/** The spans of a trace, in call order (client span first, then the server span it leads to). */
export function traceSpans(t: Trace): WrittenSpan[] {
  const spans: WrittenSpan[] = [];
  const serverId = (k: number) => spanIdOf(t.id, 2 * k);
  t.calls.forEach((c: Call, k) => {
    const server: WrittenSpan = { spanId: serverId(k), kind: 'server', service: c.callee, start: c.callReceived, end: c.responseSent };
    if (c.caller !== ENTRANCE) {
      const client: WrittenSpan = {
        spanId: spanIdOf(t.id, 2 * k + 1),
        kind: 'client',
        service: c.caller,
        start: c.callSent ?? c.callReceived,
        end: c.responseReceived ?? c.responseSent,
      };
      if (c.parent !== undefined) {
        client.parentId = serverId(c.parent);
        const by = t.calls[c.parent].instance;
        if (by !== undefined) client.instance = by;
      }
      if (c.endpoint !== undefined) client.operation = c.endpoint;
      if (c.status !== undefined) client.status = c.status;
      spans.push(client);
      server.parentId = client.spanId;
    }
    if (c.instance !== undefined) server.instance = c.instance;
    if (c.endpoint !== undefined) server.operation = c.endpoint;
    if (c.status !== undefined) server.status = c.status;
    spans.push(server);
  });
  return spans;
}

/** Milliseconds to integer microseconds (times of whole or fractional milliseconds). */
export const micros = (ms: number): number => Math.round(ms * 1000);

/** Milliseconds to OTLP's nanoseconds as a decimal string, exact for whole microseconds. */
export function nanosText(ms: number): string {
  const us = micros(ms);
  return us === 0 ? '0' : `${us}000`;
}

/** A numeric status as a number (HTTP codes), anything else as it is. */
export const statusValue = (s: string): number | string => (/^\d+$/.test(s) ? Number(s) : s);

/** A JSON array streamed one element per line, between an opening and a closing line. */
export function* jsonArrayLines<T>(open: string, items: Iterable<T>, toJson: (item: T) => unknown, close: string): Generator<string> {
  yield open;
  let first = true;
  for (const item of items) {
    yield `${first ? '' : ','}${JSON.stringify(toJson(item))}`;
    first = false;
  }
  yield close;
}
