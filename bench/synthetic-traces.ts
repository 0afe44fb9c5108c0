import type { Call, Trace } from '../src/lib/trace/trace.ts';
import { ENTRANCE } from '../src/lib/trace/trace.ts';
import { Random } from '../src/lib/util/random.ts';

/**
 * Synthetic traces of about `calls` calls over `services` services: a few structural templates (so that the
 * call path list stays small, as in a real service) with random response times, calls in message order.
 */
export function syntheticTraces(count: number, calls = 50, templates = 8, services = 20, seed = 1): Trace[] {
  const rng = new Random(seed);
  const rand = () => rng.next();
  const names = Array.from({ length: services }, (_, i) => `svc-${i}`);
  const shapes: { caller: number[]; callee: number[] }[] = [];
  for (let t = 0; t < templates; t++) {
    const caller = [-1];
    const callee = [Math.floor(rand() * services)];
    for (let k = 1; k < calls; k++) {
      caller.push(Math.floor(rand() * k));
      callee.push(Math.floor(rand() * services));
    }
    shapes.push({ caller, callee });
  }
  const out: Trace[] = [];
  for (let i = 0; i < count; i++) {
    const s = shapes[i % templates];
    const list: Call[] = [];
    let time = 1_000_000;
    for (let k = 0; k < calls; k++) {
      const recv = time + 1;
      const call: Call = {
        caller: k === 0 ? ENTRANCE : names[s.callee[s.caller[k]]],
        callee: names[s.callee[k]],
        callReceived: recv,
        responseSent: recv + Math.floor(rand() * 100),
      };
      if (k > 0) {
        call.callSent = time;
        call.parent = s.caller[k];
      }
      list.push(call);
      time += 2;
    }
    out.push({ id: `t${i}`, calls: list });
  }
  return out;
}

/** The same traces as Jaeger JSON: a client/server span pair per call (the entrance: a server span). */
export function toJaegerJson(traces: Trace[]): string {
  const data = traces.map((t) => {
    const processes: Record<string, { serviceName: string; tags: unknown[] }> = {};
    const pid = (s: string) => {
      const id = `p-${s}`;
      processes[id] ??= { serviceName: s, tags: [] };
      return id;
    };
    const spans: unknown[] = [];
    t.calls.forEach((c, k) => {
      const serverId = `s${k.toString(16).padStart(15, '0')}`;
      const clientId = `c${k.toString(16).padStart(15, '0')}`;
      const parentServer = c.parent === undefined ? undefined : `s${c.parent.toString(16).padStart(15, '0')}`;
      if (parentServer !== undefined) {
        spans.push({
          traceID: t.id, spanID: clientId, operationName: `call ${c.callee}`, references: [{ refType: 'CHILD_OF', traceID: t.id, spanID: parentServer }],
          startTime: c.callSent! * 1000, duration: (c.callReceived - c.callSent! + (c.responseSent - c.callReceived) + 1) * 1000,
          tags: [{ key: 'span.kind', type: 'string', value: 'client' }], logs: [], processID: pid(c.caller),
        });
      }
      spans.push({
        traceID: t.id, spanID: serverId, operationName: `GET /api/${c.callee}`,
        references: parentServer === undefined ? [] : [{ refType: 'CHILD_OF', traceID: t.id, spanID: clientId }],
        startTime: c.callReceived * 1000, duration: (c.responseSent - c.callReceived) * 1000,
        tags: [{ key: 'span.kind', type: 'string', value: 'server' }, { key: 'http.status_code', type: 'int64', value: 200 }], logs: [], processID: pid(c.callee),
      });
    });
    return { traceID: t.id, spans, processes, warnings: null };
  });
  return JSON.stringify({ data, total: 0, limit: 0, offset: 0, errors: null });
}

/** Synthetic normalised STV rows, row-major: most dimensions absent (-1), the rest standardised response times. */
export function syntheticStvRows(rows: number, width: number, rng: Random): Float32Array {
  const x = new Float32Array(rows * width);
  for (let i = 0; i < x.length; i++) x[i] = rng.next() < 0.15 ? rng.normal() : -1;
  return x;
}
