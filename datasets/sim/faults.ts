import type { AnomalyType } from '../../src/lib/contracts/dataset.ts';

/** One injected fault: a service slowed down (`rt`) or removed (`path`) between two times (epoch ms). */
export interface FaultWindow {
  service: string;
  type: AnomalyType;
  start: number;
  end: number;
  /** Added latency at the service for `rt` faults, ms (netem-like jitter of 10% on top). */
  delayMs: number;
  /** Where the latency is added: the service itself (default) or an untraced external service it calls. */
  external?: string;
}

/** Fault windows sorted by start; finds the few that can touch a trace starting at a time. */
export class FaultSchedule {
  readonly windows: readonly FaultWindow[];

  constructor(windows: FaultWindow[]) {
    this.windows = [...windows].sort((a, b) => a.start - b.start);
  }

  /** Windows that overlap [from, to]. */
  overlapping(from: number, to: number): FaultWindow[] {
    const out: FaultWindow[] = [];
    let lo = 0;
    let hi = this.windows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.windows[mid].start <= to) lo = mid + 1;
      else hi = mid;
    }
    // windows are short and do not overlap each other: look back a few
    for (let i = lo - 1; i >= 0 && i >= lo - 8; i--) if (this.windows[i].end >= from) out.push(this.windows[i]);
    return out;
  }
}
