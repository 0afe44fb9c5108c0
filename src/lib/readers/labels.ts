import type { TraceLabel } from '../trace/trace.ts';
import { InputError } from '../util/errors.ts';
import { readBytes } from './input.ts';
import { readLines, splitCsv } from './lines.ts';

const TRUE = new Set(['1', 'true', 'anomalous', 'anomaly', 'abnormal', 'yes']);
const FALSE = new Set(['0', 'false', 'normal', 'no']);

/** A labels file: CSV `trace_id,label[,anomaly_type][,root_cause]` with an optional header row. */
export async function readLabels(file: string): Promise<Map<string, TraceLabel>> {
  const labels = new Map<string, TraceLabel>();
  let first = true;
  for await (const [text, line] of readLines(readBytes(file))) {
    if (text.trim() === '') continue;
    const cells = splitCsv(text)?.map((c) => c.trim());
    if (!cells) throw new InputError({ file, line }, 'unterminated quote');
    if (first && cells[0].toLowerCase() === 'trace_id') {
      first = false;
      continue;
    }
    first = false;
    if (cells.length < 2 || cells.length > 4) throw new InputError({ file, line }, `expected 2 to 4 columns (trace_id,label[,anomaly_type][,root_cause]), found ${cells.length}`);
    const [id, raw, type, root] = cells;
    const v = raw.toLowerCase();
    if (!TRUE.has(v) && !FALSE.has(v)) throw new InputError({ file, line }, `label must be 0/1 (or normal/anomalous), found ${JSON.stringify(raw)}`);
    if (labels.has(id)) throw new InputError({ file, line }, `trace ${id} is labelled twice`);
    const l: TraceLabel = { label: TRUE.has(v) ? 1 : 0 };
    if (type) l.anomalyType = type;
    if (root) l.rootCause = root;
    labels.set(id, l);
  }
  if (labels.size === 0) throw new InputError({ file }, 'no labels');
  return labels;
}
