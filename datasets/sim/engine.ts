import type { Call } from '../../src/lib/trace/trace.ts';
import { ENTRANCE } from '../../src/lib/trace/trace.ts';
import type { Random } from '../../src/lib/util/random.ts';
import { holds } from './conditions.ts';
import type { FaultWindow } from './faults.ts';
import type { CallStep, Endpoint, HandlerState, RequestCtx, Side, Step } from './model.ts';
import { drawConnectFailure, drawGap, drawNetwork, drawWork } from './timing.ts';

/** A benign glitch of normal traffic: one call is very slow (a GC pause) or fails (a transient error). */
export type GlitchKind = 'spike' | 'error';

/** Responses slower than this get the timeout status code (paper sec. V-D: a fixed 2,000 ms threshold). */
export const TIMEOUT_MS = 2000;

export const STATUS = { ok: '200', fault: '500', badGateway: '502', timeout: '504', rateLimited: '429' } as const;

export interface BuildOptions {
  rng: Random;
  request: RequestCtx;
  /** Fault windows that may touch this trace. */
  faults: readonly FaultWindow[];
  /** Load relative to the day's peak, 0..1 (drives the rate limit of external APIs). */
  load: number;
  /** Index of the call that glitches, or -1. */
  glitchAt?: number;
  glitchKind?: GlitchKind;
  /**
   * A caller gives up on a call whose answer takes longer than this (ms) and gets 504: the per-hop route timeout of
   * a service mesh's sidecar (Istio's default was 15 s until 1.5). None when absent.
   */
  hopTimeoutMs?: number;
}

/** What a fault did to a trace: the calls it delayed and whether a call to a removed service was attempted. */
export interface FaultTouch {
  rtCalls: number[];
  rtWindow: FaultWindow | null;
  pathWindow: FaultWindow | null;
}

export interface BuiltTrace {
  calls: Call[];
  /** Status of the entrance call and when its response was sent. */
  status: string;
  end: number;
  touch: FaultTouch;
}

/**
 * Expands one client request into the calls of its trace: each endpoint runs its steps in code order, each call
 * synchronously (call message, the callee's work and calls, response message), with whole-millisecond timestamps.
 * Calls to a removed service fail before reaching it (no call is recorded); the caller then gives up, carries on
 * or answers at once, as its handler says (TrainTicket's callers all give up: the exception reaches every
 * ancestor). A slowed-down service (an `rt` fault) has netem-like latency on its network card: every message it
 * sends (its calls, its answers, its database round trips) is late by the fault's delay. A caller gives up on a
 * call slower than the hop timeout, while the callee goes on with its own calls.
 */
export function buildTrace(entry: Endpoint, start: number, opts: BuildOptions): BuiltTrace {
  const b = new Builder(opts);
  b.invoke(entry, ENTRANCE, -1, start, opts.request.side, 1, true);
  return { calls: b.calls, status: b.calls[0]?.status ?? STATUS.badGateway, end: b.end, touch: b.touch };
}

class Builder {
  readonly calls: Call[] = [];
  readonly touch: FaultTouch = { rtCalls: [], rtWindow: null, pathWindow: null };
  /** Outcome of the last invoke, and the status its caller saw (502 when the service could not be reached). */
  private ok = true;
  /** The last invoke answered, but refused the request as business (a rate-limited payment): status 0, no exception. */
  private refused = false;
  private lastStatus: string = STATUS.ok;
  end = 0;
  private readonly rng: Random;

  constructor(private readonly o: BuildOptions) {
    this.rng = o.rng;
  }

  private faultOn(service: string, external: string | undefined, t: number): FaultWindow | null {
    for (const w of this.o.faults) {
      if (t >= w.start && t < w.end && (w.external === undefined ? w.service === service : w.external === external)) return w;
    }
    return null;
  }

  /** The netem delay of one message a service sends at time t (0 unless an rt fault slows its network card). */
  private sendDelay(service: string, t: number): number {
    const w = this.faultOn(service, undefined, t);
    return w !== null && w.type === 'rt' && w.external === undefined ? this.jittered(w.delayMs) : 0;
  }

  /** A netem delay with its jitter (10%), never negative. */
  private jittered(delayMs: number): number {
    return Math.max(0, delayMs * (1 + 0.1 * this.rng.normal()));
  }

  /** Runs one call; returns when its response reached the caller; sets `ok`. */
  invoke(ep: Endpoint, caller: string, parent: number, tSend: number, side: Side, scale: number, entrance = false): number {
    const rng = this.rng;
    const fault = this.faultOn(ep.service, ep.external?.name, tSend);
    this.refused = false;
    if (fault !== null && fault.type === 'path' && fault.external === undefined) {
      this.touch.pathWindow ??= fault;
      this.ok = false;
      this.lastStatus = STATUS.badGateway;
      return tSend + drawConnectFailure(rng);
    }
    // an rt fault at this service (on its own network card; an external service's latency is inside its work)
    const slow = fault !== null && fault.type === 'rt' && fault.external === undefined ? fault : null;
    const tRecv = entrance ? tSend : tSend + drawNetwork(rng) + this.sendDelay(caller, tSend);
    const index = this.calls.length;
    const call: Call = {
      caller,
      callee: ep.service,
      endpoint: ep.operation,
      callSent: Math.floor(tSend),
      callReceived: Math.floor(tRecv),
      responseSent: 0,
      responseReceived: 0,
      status: STATUS.ok,
      instance: ep.instance,
      parent: parent < 0 ? undefined : parent,
    };
    this.calls.push(call);
    const work = ep.work;
    let t = tRecv + drawWork(rng, work.floor, work.pre * scale, work);
    if (slow !== null) for (let k = 0; k < (ep.dbTrips ?? 0); k++) t += this.jittered(slow.delayMs);
    let ok = true;
    let status: string = STATUS.ok;
    const glitch = index === this.o.glitchAt ? this.o.glitchKind : undefined;
    const externalDown = fault !== null && fault.type === 'path';
    if (externalDown) this.touch.pathWindow ??= fault;
    if (glitch === 'error' || externalDown) {
      ok = false;
      status = STATUS.fault;
    } else if (ep.steps.length > 0) {
      const h: HandlerState = { side, item: null, made: 0, failed: 0 };
      t = this.runSteps(ep, ep.steps, h, index, t);
      if (this.outcome === 'error') {
        ok = false;
        status = this.exitStatus ?? (ep.passStatus ? this.lastStatus : STATUS.fault);
      } else if (this.exitStatus !== null) status = this.exitStatus;
      t += drawWork(rng, 0, work.post * scale, work);
    }
    if (glitch === 'spike') t += 80 + 40 * Math.exp(1.2 * rng.normal());
    let refused = false;
    if (ok && ep.external?.rateLimit !== undefined && rng.next() < ep.external.rateLimit * this.o.load * this.o.load) {
      refused = true;
      status = STATUS.rateLimited;
    }
    if (fault !== null && fault.type === 'rt') {
      if (fault.external !== undefined) t += this.jittered(fault.delayMs);
      this.touch.rtCalls.push(index);
      this.touch.rtWindow ??= fault;
    }
    if (ep.status !== undefined) {
      ok = false;
      status = ep.status;
    }
    call.responseSent = Math.floor(t);
    if (status === STATUS.ok && call.responseSent - call.callReceived > TIMEOUT_MS) status = STATUS.timeout;
    call.status = status;
    const tBack = entrance ? t : t + drawNetwork(rng) + (slow !== null ? this.jittered(slow.delayMs) : 0);
    const limit = this.o.hopTimeoutMs;
    if (!entrance && limit !== undefined && tBack - tSend > limit) {
      // the caller's sidecar gives up: 504 to the caller, which throws; the callee's own calls went on regardless
      call.responseReceived = Math.floor(tSend + limit);
      this.ok = false;
      this.refused = false;
      this.lastStatus = STATUS.timeout;
      return tSend + limit;
    }
    call.responseReceived = Math.floor(tBack);
    if (entrance) this.end = tBack;
    this.ok = ok;
    this.refused = refused;
    this.lastStatus = status;
    return tBack;
  }

  /** How the last `runSteps` ended, and the status an early exit chose. */
  private outcome: 'done' | 'error' = 'done';
  private exitStatus: string | null = null;

  private runSteps(ep: Endpoint, steps: readonly Step[], h: HandlerState, self: number, t: number): number {
    const req = this.o.request;
    this.outcome = 'done';
    this.exitStatus = null;
    for (const s of steps) {
      if (s.kind === 'exit') {
        if (!holds(s.cond, h, req)) continue;
        this.exitStatus = s.status;
        this.outcome = s.status === STATUS.ok ? 'done' : 'error';
        return t;
      }
      if (s.kind === 'loop') {
        const side = h.side;
        for (const item of req.items(s.over, ep)) {
          h.item = item;
          h.side = item.side;
          for (const c of s.body) {
            t = this.step(c, ep, h, self, t);
            if (this.stop !== null) break;
          }
          if (this.stop !== null) break;
        }
        h.item = null;
        h.side = side;
      } else t = this.step(s, ep, h, self, t);
      if (this.stop !== null) {
        this.outcome = this.stop;
        this.exitStatus = null;
        this.stop = null;
        return t;
      }
    }
    this.outcome = 'done';
    this.exitStatus = null;
    return t;
  }

  /** Set by `step` when the handler must stop: after a failed call it gives up ('error') or answers ('done'). */
  private stop: 'error' | 'done' | null = null;

  private step(c: CallStep, ep: Endpoint, h: HandlerState, self: number, t: number): number {
    if (!holds(c.cond, h, this.o.request)) return t;
    t = this.invoke(c.to, ep.service, self, t, h.side, c.siteScale);
    const bit = 1 << c.order;
    h.made |= bit;
    // a refusal (status 0) is an answer: conditions on the call see it as not ok, the handler carries on
    if (this.ok && !this.refused) h.failed &= ~bit;
    else h.failed |= bit;
    if (!this.ok) {
      if (c.onFail === 'propagate') this.stop = 'error';
      else if (c.onFail === 'return') this.stop = 'done';
    }
    return t + drawGap(this.rng);
  }
}
