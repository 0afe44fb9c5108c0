import type { Call, Trace } from '../trace/trace.ts';
import { ENTRANCE, responseTime } from '../trace/trace.ts';
import { callOrder } from '../callpaths/order.ts';
import { callKey, KEY_KINDS } from './keys.ts';
import { bool, choice, defaultsOf, optionSchema, type OptionsOfShape } from '../options/schema.ts';

/**
 * How a trace becomes a key sequence for the sequence baselines (spec 1.4):
 * - `order: 'time'` (default): execution order, i.e. the paper's message order (src/lib/callpaths/order.ts: entrance
 *   first, then by send time, ties by callee, caller, receive time, endpoint);
 * - `order: 'canonical'`: depth-first from the entrance, the children of a call sorted by key (then start time),
 *   so that concurrent siblings cannot jitter the order;
 * - `emitEndEvents`: also an `END(key)` event when each call's response comes back, so that durations show up as
 *   gaps between events (in time order: ends before starts at equal times, a child's end before its parent's).
 */
export const EVENT_ORDERS = ['time', 'canonical'] as const;
export type EventOrder = (typeof EVENT_ORDERS)[number];

/** The sequence options as part of a method's option schema (src/lib/options/schema.ts). */
export const SEQUENCE_OPTIONS = {
  order: choice(EVENT_ORDERS, 'time', { doc: 'Event order: execution (message) order, or depth-first with siblings sorted by key' }),
  key: choice(KEY_KINDS, 'caller-callee-endpoint', { doc: 'What names an event' }),
  emitEndEvents: bool(false, { doc: "Also an END event when each call's response comes back" }),
};

export type SequenceOptions = OptionsOfShape<typeof SEQUENCE_OPTIONS>;

export const DEFAULT_SEQUENCE: SequenceOptions = defaultsOf(optionSchema(SEQUENCE_OPTIONS));

export interface EventSequence {
  /** The call key of each event (`END(key)` for an end event). */
  keys: string[];
  /** Event time, ms: the call's send time (else receive time), or for an end event its response time at the caller. */
  time: Float64Array;
  /** Response time (at the callee) of the event's call. */
  rt: Float64Array;
  /** Index in `trace.calls` of the event's call. */
  call: Int32Array;
  /** 1 for an end event. */
  end: Uint8Array;
}

export const startTime = (c: Call): number => c.callSent ?? c.callReceived;
export const endTime = (c: Call): number => c.responseReceived ?? c.responseSent;
export const endKey = (key: string): string => `END(${key})`;

export function linearise(trace: Trace, opts: SequenceOptions): EventSequence {
  const calls = trace.calls;
  const keyOf = calls.map((c) => callKey(c, opts.key));
  const events = opts.order === 'canonical' ? canonicalEvents(calls, keyOf, opts.emitEndEvents) : timeEvents(calls, opts.emitEndEvents);
  const n = events.length;
  const seq: EventSequence = { keys: new Array(n), time: new Float64Array(n), rt: new Float64Array(n), call: new Int32Array(n), end: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    const e = events[i];
    const ci = e >> 1;
    const isEnd = e & 1;
    const c = calls[ci];
    seq.keys[i] = isEnd ? endKey(keyOf[ci]) : keyOf[ci];
    seq.time[i] = isEnd ? endTime(c) : startTime(c);
    seq.rt[i] = responseTime(c);
    seq.call[i] = ci;
    seq.end[i] = isEnd;
  }
  return seq;
}

/** Events encoded as `call * 2 + isEnd`, in time order. */
function timeEvents(calls: readonly Call[], withEnds: boolean): number[] {
  const order = callOrder(calls);
  if (!withEnds) return Array.from(order, (ci) => ci * 2);
  const pos = new Int32Array(calls.length);
  order.forEach((ci, p) => (pos[ci] = p));
  const depth = depths(calls);
  const events: number[] = [];
  for (const ci of order) events.push(ci * 2, ci * 2 + 1);
  const time = (e: number) => ((e & 1) === 1 ? endTime(calls[e >> 1]) : startTime(calls[e >> 1]));
  return events.sort((a, b) => {
    const ta = time(a);
    const tb = time(b);
    if (ta !== tb) return ta - tb;
    const ea = a & 1;
    const eb = b & 1;
    if (ea !== eb) return eb - ea; // an end before a start
    if (ea === 1 && depth[a >> 1] !== depth[b >> 1]) return depth[b >> 1] - depth[a >> 1]; // deeper end first
    return pos[a >> 1] - pos[b >> 1];
  });
}

/** Depth of each call below the entrance (0 for calls without a known parent). */
function depths(calls: readonly Call[]): Int32Array {
  const n = calls.length;
  const d = new Int32Array(n).fill(-1);
  const chain: number[] = [];
  for (let i = 0; i < n; i++) {
    chain.length = 0;
    let j: number | undefined = i;
    while (j !== undefined && d[j] < 0 && chain.length <= n) {
      chain.push(j);
      j = calls[j].parent;
    }
    let depth = j !== undefined && d[j] >= 0 ? d[j] + 1 : 0;
    for (let k = chain.length - 1; k >= 0; k--) d[chain[k]] = depth++;
  }
  return d;
}

/** Events in depth-first order, children sorted by key, then start time, then input position. */
function canonicalEvents(calls: readonly Call[], keyOf: string[], withEnds: boolean): number[] {
  const n = calls.length;
  const children: number[][] = Array.from({ length: n }, () => []);
  const roots: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = calls[i].parent;
    if (p === undefined || p < 0 || p >= n || p === i) roots.push(i);
    else children[p].push(i);
  }
  const cmp = (a: number, b: number) => {
    const ea = calls[a].caller === ENTRANCE;
    const eb = calls[b].caller === ENTRANCE;
    if (ea !== eb) return ea ? -1 : 1;
    if (keyOf[a] !== keyOf[b]) return keyOf[a] < keyOf[b] ? -1 : 1;
    const ta = startTime(calls[a]);
    const tb = startTime(calls[b]);
    return ta !== tb ? ta - tb : a - b;
  };
  roots.sort(cmp);
  for (const c of children) c.sort(cmp);
  const out: number[] = [];
  const seen = new Uint8Array(n);
  // iterative DFS: a stack of (call, next child index)
  const stack: number[] = [];
  const next: number[] = [];
  for (const r of roots) {
    stack.push(r);
    next.push(0);
    seen[r] = 1;
    out.push(r * 2);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const ci = stack[top];
      const kids = children[ci];
      if (next[top] < kids.length) {
        const k = kids[next[top]++];
        if (seen[k]) continue; // defensive: a parent cycle
        seen[k] = 1;
        out.push(k * 2);
        stack.push(k);
        next.push(0);
      } else {
        if (withEnds) out.push(ci * 2 + 1);
        stack.pop();
        next.pop();
      }
    }
  }
  // calls only reachable through a cycle (readers reject those; kept for robustness) go last, by key
  for (let i = 0; i < n; i++) if (!seen[i]) out.push(i * 2);
  return out;
}
