import { ENTRANCE, responseTime, type Call, type Trace } from '../../src/lib/trace/trace.ts';

/** Per microservice, in this order (MEPFL's trace-only features, spec 11.2; [I] for the aggregation). */
export const SERVICE_FEATURES = ['present', 'etMean', 'etMax', 'rsc', 'ait', 'ceo', 'iin'] as const;
/** Per trace: TET (trace execution time), TMN (microservices), TIN (microservice instances). */
export const TRACE_FEATURES = ['tet', 'tmn', 'tin'] as const;

/** Execution time of an invocation as its caller saw it (request transfer + processing + response transfer). */
export const executionTime = (c: Call): number => (c.responseReceived ?? c.responseSent) - (c.callSent ?? c.callReceived);

/** A status that is not a success (anything but 2xx or "ok"); no status counts as success. */
export const isErrorStatus = (s: string | undefined): boolean => s !== undefined && !/^(2\d\d|ok)$/i.test(s.trim());

/**
 * MEPFL's trace-only features of a trace (spec 11.2): trace scope [TET, TMN, TIN], then per microservice of a
 * fixed list [present, ET mean, ET max, RSC (any error status), AIT (total execution time of the asynchronous
 * calls it made: calls overlapping in time with a sibling call from the same invocation), CEO (some pair of those
 * asynchronous calls arrived in another order than sent), IIN (instances of it invoked)]; an absent microservice
 * is all zeros. Microservices outside the list are ignored.
 */
export function traceFeatures(t: Trace, services: ReadonlyMap<string, number>): Float64Array {
  const per = SERVICE_FEATURES.length;
  const x = new Float64Array(TRACE_FEATURES.length + per * services.size);
  const children: number[][] = t.calls.map(() => []);
  t.calls.forEach((c, i) => {
    if (c.parent !== undefined && children[c.parent]) children[c.parent].push(i);
  });
  const count = new Float64Array(services.size);
  const instances = new Map<number, Set<string>>();
  const tin = new Set<string>();
  const tmn = new Set<string>();
  t.calls.forEach((c, i) => {
    tmn.add(c.callee);
    tin.add(`${c.callee}#${c.instance ?? ''}`);
    const m = services.get(c.callee);
    if (m === undefined) return;
    const o = TRACE_FEATURES.length + m * per;
    const et = executionTime(c);
    count[m]++;
    x[o] = 1;
    x[o + 1] += et;
    x[o + 2] = count[m] === 1 ? et : Math.max(x[o + 2], et);
    if (isErrorStatus(c.status)) x[o + 3] = 1;
    const { ait, ceo } = asyncCalls(t.calls, children[i]);
    x[o + 4] += ait;
    if (ceo) x[o + 5] = 1;
    let set = instances.get(m);
    if (set === undefined) instances.set(m, (set = new Set()));
    set.add(c.instance ?? '');
  });
  for (const [m, n] of count.entries()) if (n > 0) x[TRACE_FEATURES.length + m * per + 1] /= n;
  for (const [m, set] of instances) x[TRACE_FEATURES.length + m * per + 6] = set.size;
  const entrance = t.calls.find((c) => c.caller === ENTRANCE) ?? t.calls[0];
  x[0] = entrance ? responseTime(entrance) : 0;
  x[1] = tmn.size;
  x[2] = tin.size;
  return x;
}

/** Over the calls one invocation made: total execution time of those overlapping a sibling, and whether two of those arrived out of send order. */
export function asyncCalls(calls: readonly Call[], kids: readonly number[]): { ait: number; ceo: boolean } {
  let ait = 0;
  let ceo = false;
  const span = (c: Call): [number, number] => [c.callSent ?? c.callReceived, c.responseReceived ?? c.responseSent];
  const isAsync = kids.map((i) => kids.some((j) => {
    if (j === i) return false;
    const [a0, a1] = span(calls[i]);
    const [b0, b1] = span(calls[j]);
    return a0 < b1 && b0 < a1;
  }));
  kids.forEach((i, k) => {
    if (!isAsync[k]) return;
    ait += executionTime(calls[i]);
    kids.forEach((j, l) => {
      if (!isAsync[l] || j === i) return;
      const sentFirst = span(calls[i])[0] < span(calls[j])[0];
      if (sentFirst && calls[j].callReceived < calls[i].callReceived) ceo = true;
    });
  });
  return { ait, ceo };
}
