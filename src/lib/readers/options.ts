import { IssueLog, TraceIssue, type InputLocation } from '../util/errors.ts';
import type { ColumnMapping } from './column-mapping.ts';

export const TRACE_FORMATS = ['messages-csv', 'jaeger', 'zipkin', 'otlp', 'spans-csv'] as const;
export const STV_FORMATS = ['stv-text', 'stv-csv'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];
export type StvFormat = (typeof STV_FORMATS)[number];
export type InputFormat = TraceFormat | StvFormat;

/**
 * Traces with more spans than this are skipped (`--max-spans-per-trace`). A trace's prefix call paths and their ids
 * grow with the square of its calls (the k-th call's path holds k steps); at this size the worst shape, a chain
 * encoded with prefix call paths, still takes under 10 s and 1 GB (docs/input-errors.md has the measurements).
 */
export const DEFAULT_MAX_SPANS_PER_TRACE = 5000;

export interface ReadOptions {
  /** Skipped traces are counted here; with `strict`, the first one fails the read. */
  issues?: IssueLog;
  /** Column mapping for `spans-csv`. */
  columns?: ColumnMapping;
  /** Traces with more spans (message logs: calls) are skipped as `too-many-spans`; default DEFAULT_MAX_SPANS_PER_TRACE. */
  maxSpansPerTrace?: number;
}

export function maxSpans(opts: ReadOptions): number {
  return opts.maxSpansPerTrace ?? DEFAULT_MAX_SPANS_PER_TRACE;
}

/** The issue of a trace over the span cap. */
export function tooManySpans(where: InputLocation, count: number, cap: number, what = 'spans'): TraceIssue {
  return new TraceIssue(where, 'too-many-spans', `${count} ${what}, more than --max-spans-per-trace ${cap}`);
}

export function issueLog(opts: ReadOptions): IssueLog {
  return opts.issues ?? new IssueLog();
}
