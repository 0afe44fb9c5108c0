import { CallPathList } from '../../src/lib/callpaths/call-path-list.ts';
import type { Trace, TraceLabel } from '../../src/lib/trace/trace.ts';
import type { FaultTouch } from './engine.ts';
import type { FaultWindow } from './faults.ts';

const ids = CallPathList.fromTraces([]);

/**
 * Honest ground truth: a trace is anomalous only when a fault touched it. `path`: it tried to call a removed
 * service (and was cut short or took a fallback); `rt`: a call to a slowed-down service was delayed. The root cause
 * of a `path` anomaly is the removed service; of an `rt` anomaly, the STV dimensions (service + prefix call path,
 * as src/callpaths names them) of the delayed calls, joined by `;`. When the fault is in an untraced external
 * service, `external:NAME` comes first, then the calling microservice (path) or its delayed calls' dimensions (rt).
 */
export function labelOf(trace: Trace, touch: FaultTouch): { label: TraceLabel; fault: FaultWindow | null } {
  if (touch.pathWindow !== null) {
    const w = touch.pathWindow;
    // an outage of an external service: the paper's root cause is the microservice that calls it, named after it
    return { label: { label: 1, anomalyType: 'path', rootCause: w.external !== undefined ? `external:${w.external};${w.service}` : w.service }, fault: w };
  }
  if (touch.rtWindow !== null) {
    const delayed = new Set(touch.rtCalls);
    const dims = [...new Set(ids.pathsOf(trace).filter((p) => delayed.has(p.call)).map((p) => p.id))];
    const w = touch.rtWindow;
    if (w.external !== undefined) dims.unshift(`external:${w.external}`);
    return { label: { label: 1, anomalyType: 'rt', rootCause: dims.join(';') }, fault: w };
  }
  return { label: { label: 0 }, fault: null };
}
