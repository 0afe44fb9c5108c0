/** What a cell evaluates: a Detector (P/R/F1, AUPRC, per type), a Localizer (Precision@K), or a free task. */
export type CellKind = 'detection' | 'localization' | 'task';

/** One cell of an experiment: a dataset x method x seed with options; it writes exactly one result file. */
export interface CellSpec {
  experiment: string;
  dataset: string;
  method: string;
  seed: number;
  /** The method's options (experiment defaults, the method's own and the grid values, merged). */
  options: Record<string, unknown>;
  kind?: CellKind;
  /** Options given to the dataset's loader. */
  datasetOptions?: Record<string, unknown>;
  /** Whether the experiment ran in its --quick form (quick datasets and options). */
  quick?: boolean;
  /** The label of this method/options combination in tables (e.g. `traceanomaly K=5`); the method name if absent. */
  variant?: string;
}

export interface DetectionMetrics {
  precision: number;
  recall: number;
  f1: number;
  auprc: number;
  /** Best F1 over all thresholds on the test scores: an oracle operating point, labels used. */
  bestF1: number;
  /** Where the oracle best F1 lies. */
  bestF1At?: { threshold: number; precision: number; recall: number };
  /** False-positive rate of the method's own verdicts: fp / (fp + tn). */
  fpr?: number;
  /**
   * Oracle operating points: the best recall of any threshold on the test scores whose false-positive rate is at
   * most the key (0.001, 0.0033, 0.01; labels used to place the threshold).
   */
  recallAtFpr?: Record<string, number>;
  /** Oracle operating points: the best recall of any threshold whose precision is at least the key (0.97, 0.98). */
  recallAtPrecision?: Record<string, number>;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/** Detection quality for one true anomaly type (null = N/A). */
export interface TypeResult {
  /** Anomalous test rows of the type. */
  count?: number;
  /** Of those, the fraction flagged; null when the method cannot detect the type. */
  recall: number | null;
  /** Of the rows flagged and named as this type, the fraction right; null when the method names no types. */
  precision: number | null;
}

export interface CellResult {
  format?: 'traceanomaly-cell';
  spec: CellSpec;
  /** Content hash of the spec and the code/data versions; finished cells are found by it. */
  key: string;
  /** 'not-applicable': the method cannot run on this dataset (e.g. it needs raw traces, the dataset has STVs only). */
  status?: 'ok' | 'not-applicable';
  /** Why the cell is not applicable. */
  reason?: string;
  /** Detection cells. */
  metrics?: DetectionMetrics;
  /** Recall per true anomaly type, and precision where the method names types. */
  perType?: Record<string, TypeResult>;
  /** The test PR curve (at most a few hundred points), for charts. */
  curve?: { threshold: number; precision: number; recall: number }[];
  /** Localization cells: Precision@K per K over the anomalous test rows with a known root cause. */
  ranking?: { cases: number; precisionAtK: Record<string, number | null> };
  /** Any other numbers a cell reports (task cells, scoring time per sample, ...). */
  values?: Record<string, number>;
  /** What the method warned about while it ran (e.g. a calibration set too small to resolve alpha). */
  warnings?: string[];
  /** Larger outputs a task cell keeps (e.g. a density grid). */
  artifacts?: Record<string, unknown>;
  /**
   * Wall-clock seconds of fit and of score + decide. `fitSharedSec`: the trained model came from an earlier cell
   * of the same run that differed only in options used after training (Detector.fitKey); `trainSec` is then that
   * cell's training time plus this cell's own share (`fitSharedSec`, e.g. the KDE at another L_z).
   */
  times: { trainSec: number; testSec: number; fitSharedSec?: number };
  /** Every option of the method with the value it used (the Detector's `options`). */
  methodOptions?: Record<string, unknown>;
  /** The size of the data the cell saw: the test rows it scored, by label (testNormals: absent in cells written before it). */
  data?: { trainRows: number; testRows: number; testAnomalies: number; testNormals?: number; fingerprint: string };
  backend?: string;
  versions: Record<string, string>;
  createdAt: string;
}
