import { csvField } from '../readers/lines.ts';
import type { TraceLabel } from '../trace/trace.ts';

/** A labels file (`src/lib/readers/labels.ts` reads it back): `trace_id,label,anomaly_type,root_cause`. */
export function* labelsCsvLines(rows: Iterable<readonly [string, TraceLabel]>): Generator<string> {
  yield 'trace_id,label,anomaly_type,root_cause';
  for (const [id, l] of rows) yield [id, String(l.label), l.anomalyType ?? '', l.rootCause ?? ''].map(csvField).join(',');
}
