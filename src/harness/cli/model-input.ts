import type { DetectorInput } from '../../lib/contracts/dataset.ts';
import { isStvFormat, loadColumnMapping, loadTraceFile, readStvFile, resolveFormat } from '../inputs/load-input.ts';
import { TRACE_READ_OPTIONS, traceReadOptions } from './trace-read-flags.ts';

/** Reads an input for `train` / `detect`: STVs (released text format, stv.csv) or a raw trace export. */
export async function readModelInput(file: string, opts: { format?: string; columns?: string; strict?: boolean; 'max-spans-per-trace'?: string }): Promise<{ input: DetectorInput; format: string }> {
  const columns = await loadColumnMapping(opts.columns);
  const format = await resolveFormat(file, opts.format, columns, true);
  if (isStvFormat(format)) return { input: { stv: await readStvFile(file, format) }, format };
  const traces = await loadTraceFile(file, format, { ...(columns ? { columns } : {}), ...traceReadOptions(opts) });
  return { input: { traces }, format };
}

export const INPUT_OPTIONS = {
  in: { type: 'string' },
  format: { type: 'string' },
  columns: { type: 'string' },
  ...TRACE_READ_OPTIONS,
} as const;
