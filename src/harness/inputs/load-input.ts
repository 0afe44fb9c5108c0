import { readFile } from 'node:fs/promises';
import type { Trace } from '../../lib/trace/trace.ts';
import { IssueLog, InputError, UsageError } from '../../lib/util/errors.ts';
import { detectFormat, parseFormat } from '../../lib/readers/detect-format.ts';
import { STV_FORMATS, type InputFormat, type StvFormat, type TraceFormat } from '../../lib/readers/options.ts';
import { loadTraces } from '../../lib/readers/read-traces.ts';
import { validateColumnMapping, type ColumnMapping } from '../../lib/readers/spans-csv.ts';
import { readStvCsv, readStvText } from '../../lib/readers/stv-files.ts';
import type { StvMatrix } from '../../lib/stv/matrix.ts';

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
