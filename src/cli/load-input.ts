import { readFile } from 'node:fs/promises';
import type { Trace } from '../trace/trace.ts';
import { IssueLog, InputError } from '../util/errors.ts';
import { detectFormat, parseFormat } from '../readers/detect-format.ts';
import { STV_FORMATS, type InputFormat, type StvFormat, type TraceFormat } from '../readers/options.ts';
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

export async function resolveFormat(file: string, format: string | undefined, columns?: ColumnMapping): Promise<InputFormat> {
  return format !== undefined ? parseFormat(format) : detectFormat(file, columns !== undefined);
}

export const isStvFormat = (f: InputFormat): f is StvFormat => (STV_FORMATS as readonly string[]).includes(f);

export function readStvFile(file: string, format: StvFormat): Promise<StvMatrix> {
  return format === 'stv-text' ? readStvText(file) : readStvCsv(file);
}

/** Loads raw traces, reporting skipped ones on stderr. */
export async function loadTraceFile(
  file: string,
  format: TraceFormat,
  opts: { columns?: ColumnMapping; strict?: boolean; log?: (line: string) => void },
): Promise<Trace[]> {
  const issues = new IssueLog(opts.strict ?? false);
  const traces = await loadTraces(file, format, { issues, ...(opts.columns ? { columns: opts.columns } : {}) });
  if (issues.total > 0) {
    const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
    const counts = Object.entries(issues.summary()).map(([k, v]) => `${v} ${k}`).join(', ');
    log(`warning: skipped ${issues.total} trace(s) of ${file}: ${counts}`);
    for (const e of issues.examples.slice(0, 5)) log(`  ${e.message}`);
  }
  return traces;
}
