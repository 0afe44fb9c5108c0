import type { Trace } from '../trace/trace.ts';

/** When a trace began: the earliest send (or receive) time of its calls, in ms. */
export function traceStart(t: Trace): number {
  let s = Infinity;
  for (const c of t.calls) s = Math.min(s, c.callSent ?? c.callReceived);
  return s;
}

/** A run of anomalous traces close in time: what MonitorRank and RCSF call an incident. */
export interface Incident {
  /** Row indexes of its anomalous traces, in time order. */
  rows: number[];
  /** Start of its first and of its last trace (ms). */
  start: number;
  end: number;
}

/**
 * The incidents of a set of anomalous rows (spec secs. 9.2, 10.2: an anomalous window of the service), derived
 * from their start times: sorted by time, a new incident begins wherever two consecutive anomalous traces are
 * more than `gapMs` apart [I]. With one fault at a time (the paper's testbed: 5 min of rt fault, within 30 s a path
 * fault, then 10 min to settle), an incident is one injection.
 */
export function groupIncidents(starts: ArrayLike<number>, rows: readonly number[], gapMs: number): Incident[] {
  const sorted = [...rows].sort((a, b) => starts[a] - starts[b] || a - b);
  const out: Incident[] = [];
  for (const r of sorted) {
    const t = starts[r];
    const last = out[out.length - 1];
    if (last !== undefined && t - last.end <= gapMs) {
      last.rows.push(r);
      last.end = t;
    } else out.push({ rows: [r], start: t, end: t });
  }
  return out;
}

/** Per row of `rows`, the incident holding it. */
export function incidentOfRows(incidents: readonly Incident[]): Map<number, Incident> {
  const m = new Map<number, Incident>();
  for (const inc of incidents) for (const r of inc.rows) m.set(r, inc);
  return m;
}
