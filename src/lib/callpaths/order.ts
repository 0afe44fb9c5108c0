import type { Call } from '../trace/trace.ts';
import { ENTRANCE } from '../trace/trace.ts';

/**
 * The order of a trace's call messages (paper sec. II-B): the entrance call first, then by send time, ties by
 * callee id. Further ties (same send time and callee) go by caller, receive time, endpoint, response sent and
 * response received (two calls of one caller within a millisecond: the one answered first was made first), then
 * input position, so that neither the order nor the time each call gets depends on how a file lists the calls.
 * A call whose send time was not collected is ordered by its receive time. Returns call indexes in that order.
 */
export function callOrder(calls: readonly Call[], out?: Int32Array): Int32Array {
  const n = calls.length;
  const order = out && out.length >= n ? out.subarray(0, n) : new Int32Array(n);
  // an array sort (TimSort: linear on runs in either direction, O(n log n) at worst); an insertion sort was
  // quadratic on a flat trace, whose spans give the calls in reverse time order
  const idx = new Array<number>(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((x, y) => (before(calls[x], x, calls[y], y) ? -1 : 1));
  for (let i = 0; i < n; i++) order[i] = idx[i];
  return order;
}

/** True when call a (at input position ia) comes strictly before call b (at ib). */
function before(a: Call, ia: number, b: Call, ib: number): boolean {
  const ea = a.caller === ENTRANCE;
  const eb = b.caller === ENTRANCE;
  if (ea !== eb) return ea;
  const sa = a.callSent ?? a.callReceived;
  const sb = b.callSent ?? b.callReceived;
  if (sa !== sb) return sa < sb;
  if (a.callee !== b.callee) return a.callee < b.callee;
  if (a.caller !== b.caller) return a.caller < b.caller;
  if (a.callReceived !== b.callReceived) return a.callReceived < b.callReceived;
  const pa = a.endpoint ?? '';
  const pb = b.endpoint ?? '';
  if (pa !== pb) return pa < pb;
  // two calls of a synchronous caller within one millisecond: the one answered first was made first
  if (a.responseSent !== b.responseSent) return a.responseSent < b.responseSent;
  const ra = a.responseReceived ?? a.responseSent;
  const rb = b.responseReceived ?? b.responseSent;
  if (ra !== rb) return ra < rb;
  return ia < ib;
}
