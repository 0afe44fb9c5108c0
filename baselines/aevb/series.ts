import type { Trace } from '../../src/lib/trace/trace.ts';
import { responseTime } from '../../src/lib/trace/trace.ts';
import { microserviceOf, responseTimeMatrix, type Combine, type MicroserviceKey } from '../../src/lib/trace-features/rt-series.ts';
import type { GroupIndex } from '../../src/lib/decision/three-sigma.ts';

/**
 * The time axis of AEVB's per-microservice series [I]:
 * - `trace` (default): every trace of the service is a time step of every microservice's series; where the
 *   microservice does not take part, the point is missing and filled (the paper's reading, sec. V-C);
 * - `span`: the microservice's own calls in start-time order, no gaps (spec 6.2).
 */
export const TIME_AXES = ['trace', 'span'] as const;
export type TimeAxis = (typeof TIME_AXES)[number];

/** One microservice's series over a data set. */
export interface PointSeries {
  /** Response times (ms) in time order; NaN for a missing point (axis `trace`). */
  rt: Float64Array;
  /** The input row (trace) of each point. */
  rows: Int32Array;
}

export interface SeriesSet {
  /** Per microservice (column of the index), its series. */
  series: PointSeries[];
  /** Per input row, how many of its microservices the index does not know. */
  unseen: Int32Array;
}

/** The series of every microservice of `index` over `traces`; `learn` adds new microservices to the index. */
export function microserviceSeries(traces: readonly Trace[], index: GroupIndex<string>, opts: { axis: TimeAxis; key: MicroserviceKey; combine: Combine; learn: boolean }): SeriesSet {
  const m = responseTimeMatrix(traces, index, opts);
  const width = m.width;
  const unseen = new Int32Array(traces.length);
  m.order.forEach((row, k) => (unseen[row] = m.unseen[k]));
  if (opts.axis === 'trace') {
    const n = m.order.length;
    const series = Array.from({ length: width }, (_, j) => {
      const rt = new Float64Array(n);
      for (let k = 0; k < n; k++) rt[k] = m.values[k * width + j];
      return { rt, rows: m.order.slice() };
    });
    return { series, unseen };
  }
  const points: { time: number; rt: number; row: number }[][] = Array.from({ length: width }, () => []);
  traces.forEach((t, row) => {
    for (const c of t.calls) {
      const j = index.id(microserviceOf(c, opts.key));
      if (j >= 0) points[j].push({ time: c.callReceived, rt: responseTime(c), row });
    }
  });
  const series = points.map((p) => {
    p.sort((a, b) => a.time - b.time || a.row - b.row);
    return { rt: Float64Array.from(p, (x) => x.rt), rows: Int32Array.from(p, (x) => x.row) };
  });
  return { series, unseen };
}
