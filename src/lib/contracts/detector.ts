import type { AnomalyType, DetectorInput } from './dataset.ts';

/**
 * The one contract every detection method follows, TraceAnomaly and each baseline alike (after PyOD's detector
 * and scikit-learn's estimators): data in, arrays out, no file I/O and no printing inside.
 *
 * - `fit` learns from normal training data (labels are never given);
 * - `score` returns one number per row, higher = more anomalous (+Infinity for a trace the method rejects
 *   outright, such as one with an unseen call path);
 * - `decide` turns scores into verdicts with the threshold the method chose in `fit`, without labels.
 */
export interface Detector {
  /** Short method name, as in the tables (e.g. 'traceanomaly', 'wfg'). */
  readonly name: string;
  /** What the method reads: raw traces, STVs, or either. */
  readonly needs: 'traces' | 'stv' | 'either';
  /** Anomaly types it can detect at all; tables print N/A for the others (paper Table II). */
  readonly detects: readonly AnomalyType[];
  /** Every option with the value in use, for result files (choices the spec marks [I] included). */
  readonly options: Readonly<Record<string, unknown>>;
  fit(train: DetectorInput, hooks?: FitHooks): Promise<void>;
  score(data: DetectorInput, hooks?: FitHooks): Promise<Float64Array>;
  /** 1 = anomalous, 0 = normal, per score. */
  decide(scores: Float64Array): Uint8Array;
  /**
   * For methods that tell the anomaly type of what they flag (rule hits, WFG's path vs time checks):
   * per row, the type it would be flagged for, or null. Methods without it cannot have per-type precision.
   */
  anomalyTypes?(data: DetectorInput): Promise<(AnomalyType | null)[]>;
  /**
   * Optional numbers about the last `score` call that say how well the method's own estimate works, computed
   * without labels (TraceAnomaly: `importanceGain`, the mean of log p(x) minus the ELBO of the same samples, in
   * nats). Experiment cells record them under `values`.
   */
  diagnostics?(): Record<string, number>;
  /**
   * Optional, for detectors whose costly fit can serve several experiment cells that differ only in options
   * used after training (TraceAnomaly's L_z, alpha, bandwidth): `fitKey()` names what `fit` learns (equal keys
   * and equal training data give the same fitted state), `fittedState()` hands that state over, and
   * `adoptFit(state, train)` takes it and redoes only what depends on the other options (the KDE over the
   * held-out traces' log p(x) at this L_z). The result must equal a fresh `fit` with the same options.
   */
  fitKey?(): string;
  fittedState?(): unknown;
  adoptFit?(state: unknown, train: DetectorInput, hooks?: FitHooks): Promise<void>;
}

/** Progress callbacks a long `fit` or `score` may call; the caller decides how to show them. */
export interface FitHooks {
  progress?(event: ProgressEvent): void;
  /** Something the caller should tell the user (a method never prints): e.g. a calibration set too small for alpha. */
  warn?(message: string): void;
}

export interface ProgressEvent {
  phase: string;
  done: number;
  total?: number;
  /** What `done` counts (samples, traces, epochs, ...): shown beside the count and its rate. */
  unit?: string;
  /** Extra numbers such as loss or samples/s. */
  metrics?: Record<string, number>;
}
