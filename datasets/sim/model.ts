/**
 * The simulator's compiled service model: endpoints with their calls in code order, shared by the TrainTicket
 * simulator and the company-S-like generator. An endpoint's steps are calls, loops over request-dependent items and
 * early exits; conditions are compiled predicates over the request and the handler's state.
 */
import type { WorkParams } from './timing.ts';

/** The two sides of TrainTicket: high-speed (G/D: travel, order) and normal trains (K/T/Z: travel2, order-other). */
export type Side = 'hs' | 'normal';

/** One item of a loop: a trip or a route-plan result. */
export interface LoopItem {
  side: Side;
  /** The trip's route contains the query's start before its end. */
  match: boolean;
  /** The trip starts at the query's start station. */
  first: boolean;
}

/** The state of one handler invocation that conditions look at. */
export interface HandlerState {
  side: Side;
  item: LoopItem | null;
  /** Bit k set: a call at code position k was made / failed. */
  made: number;
  failed: number;
}

/** What a client request carries: its side, options and the items its loops run over. */
export interface RequestCtx {
  side: Side;
  /** Rebook: the side of the order being changed. */
  old: Side;
  flags: ReadonlySet<string>;
  /** The items of a loop of `endpoint` (looked up by the loop kind). */
  items(over: string, endpoint: Endpoint): readonly LoopItem[];
}

export type Pred = (h: HandlerState, r: RequestCtx) => boolean;

/** What a handler does when a call fails: give up with its error status, carry on, or answer normally at once. */
export type OnFail = 'propagate' | 'continue' | 'return';

export interface CallStep {
  kind: 'call';
  to: Endpoint;
  order: number;
  cond: Pred | null;
  onFail: OnFail;
  /** Caller-dependent scale of the callee's work at this call site (so one service's time depends on its path). */
  siteScale: number;
}

export interface LoopStep {
  kind: 'loop';
  over: string;
  body: CallStep[];
}

export interface ExitStep {
  kind: 'exit';
  status: string;
  cond: Pred | null;
}

export type Step = CallStep | LoopStep | ExitStep;

export interface Endpoint {
  id: string;
  service: string;
  /** Operation name, e.g. `GET /api/v1/x`. */
  operation: string;
  /** Pod name of the service's instance. */
  instance: string;
  work: WorkParams;
  /** Database round trips in its local work (each late by an rt fault's delay at the service). */
  dbTrips?: number;
  steps: Step[];
  /** A fixed answer that counts as a failure for the caller (a path without handler answers 405). */
  status?: string;
  /**
   * When a call it made failed and it gives up, the endpoint answers 500, or (an ingress) passes on the status it
   * got, 502 when the service could not be reached.
   */
  passStatus?: boolean;
  /**
   * An external dependency of the endpoint, not traced: its latency shows up in this endpoint's own time. With
   * a rate limit, a share of the calls (growing with load) gets a fault code that is normal business.
   */
  external?: { name: string; rateLimit?: number };
}
