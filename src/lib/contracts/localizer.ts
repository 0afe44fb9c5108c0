import type { DataSplit, DetectorInput } from './dataset.ts';

/** A root-cause candidate: a microservice, and the STV dimension (service + call path) where the method names one. */
export interface RootCauseCandidate {
  service: string;
  /** Call path id, e.g. `e(start->a,a->b,b->e)`; absent for methods that rank services only. */
  callPath?: string;
  /** The STV dimension (column index) named, for methods that work on STVs: on vector-only data its only name. */
  dimension?: number;
  /** Higher = more likely. */
  score: number;
}

/**
 * The contract of root-cause methods (TraceAnomaly's sec. II-D, MonitorRank, RCSF, MEPFL): fitted on training
 * data (labels only for supervised methods such as MEPFL), then asked to rank candidates for anomalous rows.
 */
export interface Localizer {
  readonly name: string;
  readonly options: Readonly<Record<string, unknown>>;
  /** Whether `fit` needs labelled (fault-injection) data. */
  readonly supervised: boolean;
  fit(train: DataSplit): Promise<void>;
  /** For each row index in `rows`, candidates best first. */
  rank(data: DetectorInput, rows: number[]): Promise<RootCauseCandidate[][]>;
}
