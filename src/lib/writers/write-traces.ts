import type { Trace } from '../trace/trace.ts';
import { writeLinesAtomic } from '../util/atomic-write.ts';
import { jaegerLines } from './jaeger.ts';
import { messagesCsvLines } from './messages-csv.ts';
import { otlpLines } from './otlp.ts';
import { zipkinLines } from './zipkin.ts';

/** The raw trace formats the project writes (and reads back, src/readers). */
export const WRITE_FORMATS = ['jaeger', 'otlp', 'zipkin', 'messages-csv'] as const;
export type WriteFormat = (typeof WRITE_FORMATS)[number];

const LINES: Record<WriteFormat, (traces: Iterable<Trace>) => Generator<string>> = {
  jaeger: jaegerLines,
  otlp: otlpLines,
  zipkin: zipkinLines,
  'messages-csv': messagesCsvLines,
};

const EXTENSIONS: Record<WriteFormat, string> = { jaeger: '.json', otlp: '.jsonl', zipkin: '.json', 'messages-csv': '.csv' };

/** The lines of a trace export in a format, produced as the traces come (nothing is held back). */
export function traceLines(traces: Iterable<Trace>, format: WriteFormat): Generator<string> {
  return LINES[format](traces);
}

/** The file extension of a format (`.json`, `.jsonl`, `.csv`). */
export const extensionOf = (format: WriteFormat): string => EXTENSIONS[format];

/** Writes traces to `path` in a format, atomically (gzipped when the path ends in `.gz`). */
export function writeTraceFile(path: string, traces: Iterable<Trace>, format: WriteFormat): Promise<void> {
  return writeLinesAtomic(path, traceLines(traces, format));
}
