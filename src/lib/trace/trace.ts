/**
 * The trace model of the paper's Fig. 1: a trace is the set of calls made for one user request.
 * Times are milliseconds (fractions allowed); a time that was not collected is `undefined`.
 */

/** The caller of a trace's entrance call. */
export const ENTRANCE = 'start';

export interface Call {
  /** Calling microservice; `ENTRANCE` ('start') for the entrance call. */
  caller: string;
  /** Called microservice. */
  callee: string;
  /** Endpoint / operation at the callee, when known. */
  endpoint?: string;
  /** Call message sent by the caller (not collected for the entrance call in Fig. 1). */
  callSent?: number;
  /** Call message received by the callee. */
  callReceived: number;
  /** Response message sent by the callee. */
  responseSent: number;
  /** Response message received by the caller (not collected for the entrance call in Fig. 1). */
  responseReceived?: number;
  /** Status / return code, when known. */
  status?: string;
  /** Callee instance (pod, host), when known. */
  instance?: string;
  /**
   * Index (in the trace's `calls`) of the call during which the caller made this call, when known
   * (span readers know it; for message logs it is inferred). `undefined` for the entrance call.
   */
  parent?: number;
}

export interface Trace {
  id: string;
  calls: Call[];
}

/** Ground truth for one trace, as given by a labels file or a simulator. */
export interface TraceLabel {
  /** 1 = anomalous, 0 = normal. */
  label: 0 | 1;
  /** 'rt' (response time) or 'path' (invocation path), or any other type a dataset names. */
  anomalyType?: string;
  /** Root cause: a microservice name or an STV dimension id. */
  rootCause?: string;
}

/**
 * The largest time (ms, absolute or relative) a trace may hold: the range of a JavaScript Date, +-8.64e15 ms.
 * A time beyond it (an overflow such as "duration": 1e400, or 1e300 ns) makes the trace damaged ('invalid-time').
 */
export const MAX_TIME_MS = 8.64e15;

/** Whether a time (ms) is a finite number within +-MAX_TIME_MS. */
export const validTime = (t: number): boolean => Math.abs(t) <= MAX_TIME_MS;

/** Response time of a call at the callee (paper sec. II-B): response sent minus call received. */
export function responseTime(call: Call): number {
  return call.responseSent - call.callReceived;
}
