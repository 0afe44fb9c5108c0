import type { Call, Trace } from '../trace/trace.ts';
import { responseTime } from '../trace/trace.ts';
import { callKey } from './keys.ts';
import { traceStart } from './incidents.ts';
import type { GroupIndex } from '../decision/three-sigma.ts';

/**
 * Microservice response-time series for the time-series baselines (AEVB, OmniAnomaly; spec secs. 6.2, 8.2):
 * traces in start-time order, and per trace and microservice the response time of its calls.
 *
 * A microservice is the callee's service name (`key: 'service'`: the paper's "microservice", one model or one
 * dimension each) or `callee#endpoint` (`key: 'callee-endpoint'`: spec 6.2's default, one per operation).
 */
export const MICROSERVICE_KEYS = ['service', 'callee-endpoint'] as const;
export type MicroserviceKey = (typeof MICROSERVICE_KEYS)[number];

/** Several calls of one microservice in one trace: their mean response time (as STVs do, spec 1.3) or the largest. */
export const COMBINES = ['mean', 'max'] as const;
export type Combine = (typeof COMBINES)[number];

/**
 * How a missing data point is filled: a trace in which a microservice does not take part still is a time step
 * of that microservice's series (the paper, sec. V-C: "due to the various structures of traces, the time series
 * data of microservices' response time contain many missing data points", which hurts AEVB and OmniAnomaly).
 * - `absent`: a value below the scaled range (OmniAnomaly: -1 after min-max scaling, spec 8.2, as in STVs);
 * - `zero`: a response time of 0 ms, then scaled (the released STVs' convention for an absent path);
 * - `previous`: the microservice's last observed value (carried forward, also across the train/test boundary);
 * - `mean`: its training mean.
 */
export const FILL_RULES = ['absent', 'zero', 'previous', 'mean'] as const;
export type FillRule = (typeof FILL_RULES)[number];

export function microserviceOf(call: Call, key: MicroserviceKey): string {
  return key === 'service' ? call.callee : callKey(call, 'callee-endpoint');
}

/** Row indexes of traces sorted by start time (ties keep input order). */
export function timeOrder(traces: readonly Trace[]): Int32Array {
  const start = traces.map(traceStart);
  return Int32Array.from(traces.keys()).sort((a, b) => start[a] - start[b] || a - b);
}

export interface ResponseTimeMatrix {
  /** Rows in time order: row k is trace `order[k]` of the input. */
  order: Int32Array;
  /** rows x width response times (ms), row-major; NaN where the microservice is not in the trace. */
  values: Float64Array;
  width: number;
  /** Per row (time order), how many of its microservices the index does not know (0 when learning). */
  unseen: Int32Array;
}

/**
 * The traces as a time-ordered matrix of microservice response times. Microservices are columns of `index`;
 * with `learn` new ones are added (fitting), otherwise they are counted in `unseen`.
 */
export function responseTimeMatrix(traces: readonly Trace[], index: GroupIndex<string>, opts: { key: MicroserviceKey; combine: Combine; learn: boolean }): ResponseTimeMatrix {
  if (opts.learn) for (const t of traces) for (const c of t.calls) index.id(microserviceOf(c, opts.key), true);
  const order = timeOrder(traces);
  const width = index.size;
  const values = new Float64Array(order.length * width).fill(NaN);
  const counts = new Int32Array(width);
  const unseen = new Int32Array(order.length);
  order.forEach((row, k) => {
    const base = k * width;
    counts.fill(0);
    const foreign = new Set<string>();
    for (const c of traces[row].calls) {
      const name = microserviceOf(c, opts.key);
      const j = index.id(name);
      if (j < 0) {
        foreign.add(name);
        continue;
      }
      const rt = responseTime(c);
      const prev = values[base + j];
      if (counts[j] === 0) values[base + j] = rt;
      else values[base + j] = opts.combine === 'max' ? Math.max(prev, rt) : prev + rt;
      counts[j]++;
    }
    if (opts.combine === 'mean') for (let j = 0; j < width; j++) if (counts[j] > 1) values[base + j] /= counts[j];
    unseen[k] = foreign.size;
  });
  return { order, values, width, unseen };
}

/**
 * Fills the NaN cells of a row-major matrix in place: with `previous`, each column's last observed value
 * (starting from `carry`, which is updated, or from `constant` before any), else with the column's `constant`.
 */
export function fillGaps(values: Float32Array | Float64Array, width: number, constant: ArrayLike<number>, previous: boolean, carry?: Float64Array): void {
  const last = carry ?? Float64Array.from(constant);
  const rows = values.length / width;
  for (let k = 0; k < rows; k++) {
    for (let j = 0; j < width; j++) {
      const i = k * width + j;
      if (Number.isNaN(values[i])) values[i] = previous ? last[j] : constant[j];
      else if (previous) last[j] = values[i];
    }
  }
}

/**
 * Windows of `length` consecutive rows of a row-major series (`width` values per row) ending at each of `ends`
 * (row indexes >= length - 1), flattened: one output row of length x width values per end.
 */
export function windowsEndingAt(series: Float32Array, width: number, length: number, ends: ArrayLike<number>): Float32Array {
  const span = length * width;
  const out = new Float32Array(ends.length * span);
  for (let i = 0; i < ends.length; i++) {
    const from = (ends[i] - length + 1) * width;
    if (from < 0) throw new Error(`window ending at row ${ends[i]} starts before the series`);
    out.set(series.subarray(from, from + span), i * span);
  }
  return out;
}
