import type { Trace } from '../trace/trace.ts';
import { InputError } from '../util/errors.ts';
import { readJaeger } from './jaeger.ts';
import { readMessagesCsv } from './messages-csv.ts';
import { readOtlp } from './otlp.ts';
import { readSpansCsv } from './spans-csv.ts';
import { readZipkin } from './zipkin.ts';
import type { ReadOptions, TraceFormat } from './options.ts';

const READERS: Record<TraceFormat, (file: string, opts: ReadOptions) => AsyncGenerator<Trace>> = {
  'messages-csv': readMessagesCsv,
  jaeger: readJaeger,
  zipkin: readZipkin,
  otlp: readOtlp,
  'spans-csv': readSpansCsv,
};

/** Streams the traces of a raw export in the given format. */
export function readTraces(file: string, format: TraceFormat, opts: ReadOptions = {}): AsyncGenerator<Trace> {
  const reader = READERS[format];
  if (reader === undefined) throw new InputError({ file }, `${format} holds no raw traces`);
  return reader(file, opts);
}

/** All traces of a file in memory; fails on a file without any. */
export async function loadTraces(file: string, format: TraceFormat, opts: ReadOptions = {}): Promise<Trace[]> {
  const out: Trace[] = [];
  for await (const t of readTraces(file, format, opts)) out.push(t);
  const issues = opts.issues;
  if (out.length === 0 && issues !== undefined && issues.total > 0) {
    // one line, with what the warning would have said: the reasons and the first traces
    const first = issues.examples.slice(0, 3).map((e) => e.message).join('; ');
    throw new InputError({ file }, `no usable traces: all ${issues.total} skipped (${issues.counted()}); first: ${first}`);
  }
  if (out.length === 0) throw new InputError({ file }, 'no usable traces');
  return out;
}
