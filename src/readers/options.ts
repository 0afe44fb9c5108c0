import { IssueLog } from '../util/errors.ts';
import type { ColumnMapping } from './spans-csv.ts';

export const TRACE_FORMATS = ['messages-csv', 'jaeger', 'zipkin', 'otlp', 'spans-csv'] as const;
export const STV_FORMATS = ['stv-text', 'stv-csv'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];
export type StvFormat = (typeof STV_FORMATS)[number];
export type InputFormat = TraceFormat | StvFormat;

export interface ReadOptions {
  /** Skipped traces are counted here; with `strict`, the first one fails the read. */
  issues?: IssueLog;
  /** Column mapping for `spans-csv`. */
  columns?: ColumnMapping;
}

export function issueLog(opts: ReadOptions): IssueLog {
  return opts.issues ?? new IssueLog();
}
