import { describe, expect, it } from 'vitest';
import { buildTrace } from '../../datasets/sim/engine.ts';
import type { FaultWindow } from '../../datasets/sim/faults.ts';
import type { CallStep, Endpoint, Step } from '../../datasets/sim/model.ts';
import { withoutIngress } from '../../datasets/sim/run.ts';
import { Random } from '../../src/lib/util/random.ts';

// Hand-built flows for each failure behaviour the simulator models (datasets/README.md, Failure behaviour).
const WORK = { floor: 1, pre: 1, post: 0.5, sigma: 0.1, tailP: 0, tailAlpha: 2 };
const ep = (service: string, steps: Step[] = [], extra: Partial<Endpoint> = {}): Endpoint => ({ id: `${service}:GET /`, service, operation: 'GET /', instance: `${service}-0`, work: WORK, steps, ...extra });
const call = (to: Endpoint, order: number, extra: Partial<CallStep> = {}): CallStep => ({ kind: 'call', to, order, cond: null, onFail: 'propagate', siteScale: 1, ...extra });
const ctx = { side: 'hs' as const, old: 'hs' as const, flags: new Set<string>(), items: () => [] };
const T0 = 1_000_000;
const fault = (service: string, type: 'rt' | 'path', delayMs = 0): FaultWindow => ({ service, type, start: 0, end: 2 * T0, delayMs });
const run = (entry: Endpoint, faults: FaultWindow[] = [], extra: { hopTimeoutMs?: number; load?: number } = {}) =>
  buildTrace(entry, T0, { rng: new Random(3), request: ctx, faults, load: extra.load ?? 0, ...(extra.hopTimeoutMs !== undefined ? { hopTimeoutMs: extra.hopTimeoutMs } : {}) });
const callees = (t: ReturnType<typeof run>) => t.calls.map((c) => c.callee);
/** A call's four time stamps (the simulator always sets them). */
const times = (c: { callSent?: number; callReceived: number; responseSent: number; responseReceived?: number }) => ({ sent: c.callSent!, received: c.callReceived, answered: c.responseSent, back: c.responseReceived! });

describe('simulator failure behaviour on hand-built flows', () => {
  // ingress -> a; a calls b then c; b calls d
  const d = ep('d');
  const b = ep('b', [call(d, 1)]);
  const c = ep('c');
  const a = ep('a', [call(b, 1), call(c, 2)]);
  const ingress = ep('ingress', [call(a, 1)], { passStatus: true });

  it('a removed callee: the exception climbs every ancestor, none makes a later call (a prefix of the normal trace)', () => {
    expect(callees(run(ingress))).toEqual(['ingress', 'a', 'b', 'd', 'c']);
    const t = run(ingress, [fault('d', 'path')]);
    // no call to d is recorded, b and a give up with 500, c is never called
    expect(callees(t)).toEqual(['ingress', 'a', 'b']);
    expect(t.calls.map((x) => x.status)).toEqual(['500', '500', '500']);
    expect(t.touch.pathWindow?.service).toBe('d');
  });

  it('a handler that carries on or answers at once where its code says so (onFail), e.g. the company-S generator\'s optional calls', () => {
    const goOn = ep('a', [call(b, 1, { onFail: 'continue' }), call(c, 2)]);
    expect(callees(run(ep('ingress', [call(goOn, 1)]), [fault('d', 'path')]))).toEqual(['ingress', 'a', 'b', 'c']);
    const answer = ep('a', [call(b, 1, { onFail: 'return' }), call(c, 2)]);
    const t = run(ep('ingress', [call(answer, 1)]), [fault('d', 'path')]);
    expect(callees(t)).toEqual(['ingress', 'a', 'b']);
    expect(t.calls[1].status).toBe('200');
  });

  it('a refusal (status 0, e.g. a rate-limited payment) is an answer: no exception, calls conditioned on it are skipped', () => {
    const pay = ep('pay', [], { external: { name: 'bank', rateLimit: 1 } });
    const inside = ep('inside', [call(pay, 2), call(c, 3, { cond: (h) => (h.failed & (1 << 2)) === 0 }), call(d, 4)]);
    // at full load every payment is refused (rate limit 1 x load^2)
    const t = run(ep('ingress', [call(inside, 1)]), [], { load: 1 });
    expect(callees(t)).toEqual(['ingress', 'inside', 'pay', 'd']);
    expect(t.calls.find((x) => x.callee === 'pay')!.status).toBe('429');
    expect(t.calls.find((x) => x.callee === 'inside')!.status).toBe('200');
    expect(callees(run(ep('ingress', [call(inside, 1)]), [], { load: 0 }))).toEqual(['ingress', 'inside', 'pay', 'c', 'd']);
  });

  it('an rt fault is latency on the service\'s network card: its calls, database round trips and answers are late', () => {
    const slowB = ep('b', [call(d, 1)], { dbTrips: 2 });
    const flow = ep('ingress', [call(ep('a', [call(slowB, 1), call(c, 2)]), 1)]);
    const normal = run(flow);
    const t = run(flow, [fault('b', 'rt', 1000)]);
    const at = (x: ReturnType<typeof run>, s: string) => times(x.calls.find((k) => k.callee === s)!);
    // b's call to d arrives about 1 s after it is sent (10% jitter); d itself is not slower
    expect(at(t, 'd').received - at(t, 'd').sent).toBeGreaterThan(600);
    expect(at(normal, 'd').received - at(normal, 'd').sent).toBeLessThan(50);
    // b's own response time: two database round trips and its call to d, each ~1 s late
    const rt = (x: ReturnType<typeof run>, s: string) => at(x, s).answered - at(x, s).received;
    expect(rt(t, 'b') - rt(normal, 'b')).toBeGreaterThan(2000);
    expect(rt(t, 'b') - rt(normal, 'b')).toBeLessThan(4500);
    // b's answer reaches a ~1 s after b sent it; a's time grows by all of it
    expect(at(t, 'b').back - at(t, 'b').answered).toBeGreaterThan(600);
    expect(rt(t, 'a') - rt(normal, 'a')).toBeGreaterThan(3000);
    expect(callees(t)).toEqual(callees(normal));
    expect(t.touch.rtWindow?.service).toBe('b');
  });

  it('a caller gives up on a call slower than the hop timeout (504): its later calls are not made, the callee\'s go on', () => {
    const slowB = ep('b', [call(d, 1)], { dbTrips: 2 });
    const flow = ep('ingress', [call(ep('a', [call(slowB, 1), call(c, 2)]), 1)]);
    // ~4 s late in all: under a 15 s timeout nothing changes, over a 2 s one a gives up on b
    expect(callees(run(flow, [fault('b', 'rt', 1000)], { hopTimeoutMs: 15_000 }))).toEqual(['ingress', 'a', 'b', 'd', 'c']);
    const t = run(flow, [fault('b', 'rt', 1000)], { hopTimeoutMs: 2000 });
    expect(callees(t)).toEqual(['ingress', 'a', 'b', 'd']);
    const a = t.calls.find((k) => k.callee === 'a')!;
    const bCall = times(t.calls.find((k) => k.callee === 'b')!);
    expect(bCall.back - bCall.sent).toBe(2000);
    expect(a.status).toBe('500');
    // the ingress is the entrance: no timeout applies to it (the trace's root keeps its own time)
    expect(t.calls[0].callee).toBe('ingress');
  });

  it('an untraced ingress: the trace starts at the first microservice; an unreachable one leaves no trace', () => {
    const t = run(ingress);
    const calls = withoutIngress(t.calls);
    expect(calls.map((x) => [x.caller, x.callee, x.parent])).toEqual([['start', 'a', undefined], ['a', 'b', 0], ['b', 'd', 1], ['a', 'c', 0]]);
    expect(withoutIngress(run(ingress, [fault('a', 'path')]).calls)).toEqual([]);
  });
});
