import { readFile } from 'node:fs/promises';
import type { Trace } from '../trace/trace.ts';
import { IssueLog, InputError } from '../util/errors.ts';
import { detectFormat, parseFormat } from '../readers/detect-format.ts';
import { DEFAULT_MAX_SPANS_PER_TRACE, STV_FORMATS, type InputFormat, type StvFormat, type TraceFormat } from '../readers/options.ts';
import { intArg } from './number-args.ts';
import { UsageError } from './args.ts';
import { loadTraces } from '../readers/read-traces.ts';
import { validateColumnMapping, type ColumnMapping } from '../readers/spans-csv.ts';
import { readStvCsv, readStvText } from '../readers/stv-files.ts';
import type { StvMatrix } from '../stv/matrix.ts';

export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new InputError({ file }, `cannot read: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError({ file }, `invalid JSON: ${(e as Error).message}`);
  }
}

export async function loadColumnMapping(file: string | undefined): Promise<ColumnMapping | undefined> {
  return file === undefined ? undefined : validateColumnMapping(await readJsonFile(file), file);
}

/** The input's format: `format` when given (from --format: a wrong one is a usage error, exit 2), else detected. */
export async function resolveFormat(file: string, format: string | undefined, columns?: ColumnMapping, fromFlag = false): Promise<InputFormat> {
  if (format === undefined) return detectFormat(file, columns !== undefined);
  try {
    return parseFormat(format);
  } catch (e) {
    throw fromFlag && e instanceof InputError ? new UsageError(`--format: ${e.reason}`) : e;
  }
}

export const isStvFormat = (f: InputFormat): f is StvFormat => (STV_FORMATS as readonly string[]).includes(f);

export function readStvFile(file: string, format: StvFormat): Promise<StvMatrix> {
  return format === 'stv-text' ? readStvText(file) : readStvCsv(file);
}

/** The options of every command that reads traces: `--strict`, `--max-spans-per-trace N`. */
export const TRACE_READ_OPTIONS = {
  strict: { type: 'boolean' },
  'max-spans-per-trace': { type: 'string' },
} as const;

export const MAX_SPANS_HELP = `--strict fails on the first damaged trace instead of skipping it; --max-spans-per-trace skips traces with
  more spans (message logs: calls) than N, default ${DEFAULT_MAX_SPANS_PER_TRACE} (prefix call paths grow with the square of a trace's calls).`;

/** `--strict` and `--max-spans-per-trace` as reader options. */
export function traceReadOptions(o: { strict?: boolean; 'max-spans-per-trace'?: string }): { strict: boolean; maxSpansPerTrace: number } {
  return { strict: Boolean(o.strict), maxSpansPerTrace: intArg(o['max-spans-per-trace'], 'max-spans-per-trace', DEFAULT_MAX_SPANS_PER_TRACE) };
}

/** Loads raw traces, reporting skipped ones on stderr. */
export async function loadTraceFile(
  file: string,
  format: TraceFormat,
  opts: { columns?: ColumnMapping; strict?: boolean; maxSpansPerTrace?: number; log?: (line: string) => void },
): Promise<Trace[]> {
  const issues = new IssueLog(opts.strict ?? false);
  const traces = await loadTraces(file, format, {
    issues,
    ...(opts.columns ? { columns: opts.columns } : {}),
    ...(opts.maxSpansPerTrace !== undefined ? { maxSpansPerTrace: opts.maxSpansPerTrace } : {}),
  });
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  if (issues.total > 0) {
    log(`warning: skipped ${issues.total} trace(s) of ${file}: ${issues.counted()}`);
    for (const e of issues.examples.slice(0, 5)) log(`  ${e.message}`);
  }
  const { rows, traces: inTraces, first } = issues.repeats;
  if (rows > 0) log(`note: dropped ${rows} identical duplicate span row(s) in ${inTraces} trace(s) of ${file} (first: ${first})`);
  return traces;
}
