/** One cell of an experiment: a dataset x method x seed with options; it writes exactly one result file. */
export interface CellSpec {
  experiment: string;
  dataset: string;
  method: string;
  seed: number;
  options: Record<string, unknown>;
}

export interface DetectionMetrics {
  precision: number;
  recall: number;
  f1: number;
  auprc: number;
  /** Best F1 over all thresholds on the test scores: an oracle operating point, labels used. */
  bestF1: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface CellResult {
  spec: CellSpec;
  /** Content hash of the spec and the code/data versions; finished cells are found by it. */
  key: string;
  metrics: DetectionMetrics;
  /** Recall per true anomaly type, and precision where the method names types. */
  perType: Record<string, { recall: number; precision: number | null }>;
  times: { trainSec: number; testSec: number };
  backend?: string;
  versions: Record<string, string>;
  createdAt: string;
}
