import { ENTRANCE, type Call, type Trace, type TraceLabel } from '../../src/lib/trace/trace.ts';
import { Random } from '../../src/lib/util/random.ts';
import { buildTrace, STATUS, type GlitchKind } from './engine.ts';
import type { FaultSchedule, FaultWindow } from './faults.ts';
import { traceId } from './ids.ts';
import { labelOf } from './labels.ts';
import type { Endpoint, RequestCtx } from './model.ts';
import type { TrafficCurve } from './traffic.ts';

/** One client request: the endpoint it enters by and what it carries. */
export interface SimRequest {
  entry: Endpoint;
  ctx: RequestCtx;
}

/** What the client saw of a request. */
export interface Outcome {
  ok: boolean;
  status: string;
}

/** A user session: yields requests one after the other and hears how each went (a failed step may end it). */
export type Session = Generator<SimRequest, void, Outcome>;

export interface Workload {
  session(rng: Random): Session;
}

export interface SimTrace {
  trace: Trace;
  label: TraceLabel;
  /** The fault that touched the trace. */
  fault: FaultWindow | null;
  /** A benign glitch of normal traffic (not labelled). */
  glitch: GlitchKind | null;
}

export interface DayOptions {
  workload: Workload;
  curve: TrafficCurve;
  /** Epoch ms of minute 0. */
  startEpoch: number;
  /** Mean requests per session (to turn the request rate into a session arrival rate). */
  meanRequests: number;
  faults?: FaultSchedule;
  /** Traces starting in these [start, end) epoch-ms intervals are not collected (the system reboots and settles). */
  skip?: readonly (readonly [number, number])[];
  /** Share of traces with a benign glitch. */
  glitchRate: number;
  /** Which glitches happen (default both: 60% latency spikes, 40% transient errors). */
  glitchKinds?: readonly GlitchKind[];
  /** Median think time between a session's requests, ms. */
  thinkMs: number;
  /**
   * Whether the ingress (the entry endpoint's own call, e.g. TrainTicket's nginx dashboard) is traced. When it is
   * not, a trace starts at the first microservice, and a request whose first microservice could not be reached
   * leaves no trace at all.
   */
  ingressTraced?: boolean;
  /** Per-hop timeout of the callers' sidecars, ms (engine.ts); none when absent. */
  hopTimeoutMs?: number;
  seed: number;
}

interface Pending {
  time: number;
  seq: number;
  session: Session;
  request: SimRequest;
}

/** A binary min-heap of pending requests by (time, arrival sequence). */
class Agenda {
  private readonly items: Pending[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Pending | undefined {
    return this.items[0];
  }
  push(p: Pending): void {
    const a = this.items;
    a.push(p);
    let i = a.length - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!before(a[i], a[up])) break;
      [a[i], a[up]] = [a[up], a[i]];
      i = up;
    }
  }
  pop(): Pending | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l], a[m])) m = l;
        if (r < a.length && before(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}
const before = (a: Pending, b: Pending) => a.time < b.time || (a.time === b.time && a.seq < b.seq);

const MINUTE = 60_000;

/**
 * Simulates one day of traffic: sessions arrive as a Poisson process whose rate follows the curve, each session's
 * requests follow one another with think times, and every request becomes one trace, expanded through the
 * service model with the faults active at that time. Traces come out in order of start time.
 */
export function* simulateDay(o: DayOptions): Generator<SimTrace> {
  const rng = new Random(o.seed);
  const agenda = new Agenda();
  const dayEnd = o.startEpoch + o.curve.shape.minutes * MINUTE;
  const maxArrival = o.curve.maxRate / o.meanRequests / MINUTE; // sessions per ms at the busiest minute
  let seq = 0;
  let nextArrival = o.startEpoch;
  const drawArrival = () => {
    // thinning: candidate times at the maximal rate, kept with probability rate(t) / max
    for (;;) {
      nextArrival += -Math.log(1 - rng.next()) / maxArrival;
      if (nextArrival >= dayEnd) return;
      const minute = (nextArrival - o.startEpoch) / MINUTE;
      if (rng.next() * o.curve.maxRate < o.curve.rate(minute)) return;
    }
  };
  drawArrival();
  let skipIdx = 0;
  let traceNo = 0;
  for (;;) {
    const top = agenda.peek();
    if (nextArrival < dayEnd && (top === undefined || nextArrival <= top.time)) {
      const session = o.workload.session(rng);
      const first = session.next();
      if (!first.done) agenda.push({ time: Math.floor(nextArrival), seq: seq++, session, request: first.value });
      drawArrival();
      continue;
    }
    const p = agenda.pop();
    if (p === undefined) break;
    const sim = buildSimTrace(p.request, p.time, o, rng, traceNo++);
    while (o.skip !== undefined && skipIdx < o.skip.length && o.skip[skipIdx][1] <= p.time) skipIdx++;
    const skipped = o.skip !== undefined && skipIdx < o.skip.length && o.skip[skipIdx][0] <= p.time;
    if (!skipped && sim.sim.trace.calls.length > 0) yield sim.sim;
    const next = p.session.next({ ok: sim.ok, status: sim.status });
    if (next.done) continue;
    const at = Math.floor(sim.end + o.thinkMs * Math.exp(0.8 * rng.normal()));
    if (at < dayEnd) agenda.push({ time: at, seq: p.seq, session: p.session, request: next.value });
  }
}

function buildSimTrace(req: SimRequest, start: number, o: DayOptions, rng: Random, n: number) {
  const seed = rng.int(2 ** 32);
  const glitched = rng.next() < o.glitchRate;
  const kinds = o.glitchKinds ?? ['spike', 'error'];
  const glitchKind: GlitchKind = rng.next() < 0.6 || kinds.length === 1 ? kinds[0] : kinds[1];
  const glitchPick = rng.next();
  const faults = o.faults?.overlapping(start, start + 10 * MINUTE) ?? [];
  const load = o.curve.load((start - o.startEpoch) / MINUTE);
  const build = (glitchAt: number) => {
    const trng = new Random(seed);
    const id = traceId(trng, o.seed, n);
    return { id, built: buildTrace(req.entry, start, { rng: trng, request: req.ctx, faults, load, glitchAt, glitchKind, ...(o.hopTimeoutMs !== undefined ? { hopTimeoutMs: o.hopTimeoutMs } : {}) }) };
  };
  let { id, built } = build(-1);
  if (glitched) ({ id, built } = build(Math.floor(glitchPick * built.calls.length)));
  const untraced = o.ingressTraced === false;
  const trace: Trace = { id, calls: untraced ? withoutIngress(built.calls) : built.calls };
  // the delayed calls' indexes follow the calls (one fewer without the ingress, which is never faulted itself)
  const touch = untraced ? { ...built.touch, rtCalls: built.touch.rtCalls.map((i) => i - 1).filter((i) => i >= 0) } : built.touch;
  const { label, fault } = labelOf(trace, touch);
  const ok = built.status === STATUS.ok || built.status === STATUS.timeout;
  return { sim: { trace, label, fault, glitch: glitched ? glitchKind : null }, ok, status: built.status, end: built.end };
}

/**
 * The calls of a trace without its entrance call (an untraced ingress): the ingress's one callee becomes the
 * entrance (called by `start`), every other call keeps its parent, renumbered. Empty when the ingress could not
 * reach its callee.
 */
export function withoutIngress(calls: readonly Call[]): Call[] {
  return calls.slice(1).map((c) => {
    const parent = c.parent === undefined || c.parent === 0 ? undefined : c.parent - 1;
    const out: Call = { ...c, ...(c.parent === 0 ? { caller: ENTRANCE } : {}) };
    if (parent === undefined) delete out.parent;
    else out.parent = parent;
    return out;
  });
}
