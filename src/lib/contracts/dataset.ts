import type { Trace, TraceLabel } from '../trace/trace.ts';
import type { StvMatrix } from '../stv/matrix.ts';

/** The anomaly types of the paper's testbed (Table II): response time and invocation path. */
export const ANOMALY_TYPES = ['rt', 'path'] as const;
export type AnomalyType = (typeof ANOMALY_TYPES)[number];

/**
 * Data given to a method: raw traces and/or service trace vectors, rows in the same order when both are given.
 * Vector-only datasets (the released TrainTicket STVs) have `stv` only; methods that need traces cannot run on them.
 */
export interface DetectorInput {
  traces?: Trace[];
  stv?: StvMatrix;
}

/** One part of a dataset, with ground truth by trace id where known. */
export interface DataSplit extends DetectorInput {
  labels?: Map<string, TraceLabel>;
}

/**
 * A dataset: normal training data (which may hold rare unlabelled glitches, as the paper's does) and a labelled
 * test set, with how it was made, so that reports can say which split and seed they used.
 */
export interface Dataset {
  name: string;
  description: string;
  train: DataSplit;
  test: DataSplit;
  /**
   * Labelled fault-injection traces for supervised localisers (MEPFL): a separate injection run with root causes
   * in its labels, never the test split. When absent, supervised localisers read `train` (and need its labels).
   */
  faultTrain?: DataSplit;
  /** Anomaly types present in the test labels. */
  anomalyTypes: string[];
  /** Source files, split rule, seed, generator version: whatever identifies the data. */
  provenance: Record<string, unknown>;
}

/** Number of rows of an input, checking that traces and STVs agree. */
export function inputSize(data: DetectorInput): number {
  const t = data.traces?.length;
  const s = data.stv?.ids.length;
  if (t !== undefined && s !== undefined && t !== s) throw new Error(`input has ${t} traces but ${s} STV rows`);
  const n = t ?? s;
  if (n === undefined) throw new Error('input has neither traces nor STVs');
  return n;
}

/** The trace ids of an input, in row order. */
export function inputIds(data: DetectorInput): string[] {
  return data.traces?.map((t) => t.id) ?? data.stv?.ids ?? [];
}
