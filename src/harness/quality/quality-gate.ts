import { flatMetrics } from '../experiments/aggregate-cells.ts';
import type { CellRecord } from '../experiments/runner.ts';

/**
 * The committed quality baseline (reports/quality-baseline.json): the gate's experiments, and per checked number
 * (experiment, dataset, method, metric) the value a healthy build reaches, how far a run may move from it in either
 * direction (a rise beyond it usually means leakage) and where that tolerance came from, and a floor that
 * `--update` may not lower without an explicit flag and a recorded reason.
 */
export interface QualityBaseline {
  format: 'traceanomaly-quality-baseline';
  version: 2;
  note?: string;
  experiments: string[];
  checks: BaselineCheck[];
  /** Every lowering of a floor, with its reason (appended by `quality --update --lower-floor --reason`). */
  floorChanges: { date: string; check: string; from: number; to: number; reason: string }[];
}

export interface BaselineCheck {
  experiment: string;
  dataset: string;
  method: string;
  /** A flat metric name of the cell (aggregate-cells.ts): auprc, f1, precision, recall, fpr, p@1, ... */
  metric: string;
  value: number;
  /** Largest allowed |run - value|. */
  tolerance: number;
  /** Where the tolerance comes from (a measurement, with the document that records it). */
  toleranceSource: string;
  /** The run must reach at least this (metrics where higher is better). */
  floor?: number;
  /** The run must stay at or below this (metrics where lower is better: fpr). */
  ceiling?: number;
}

export interface QualityResult {
  check: BaselineCheck;
  value: number | null;
  delta: number | null;
  ok: boolean;
  why?: string;
}

export const checkName = (c: Pick<BaselineCheck, 'experiment' | 'dataset' | 'method' | 'metric'>): string => `${c.experiment}/${c.dataset}/${c.method}/${c.metric}`;

/** The number a run's cells give for a check, or null when the cell or the metric is missing. */
function valueOf(cells: readonly CellRecord[], c: BaselineCheck): number | null {
  const cell = cells.find((x) => x.spec.dataset === c.dataset && x.spec.method === c.method && x.result?.status === 'ok');
  if (!cell?.result) return null;
  const v = flatMetrics(cell.result)[c.metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Compares a run's cells (experiment name -> cells) with the baseline: each check two-sided, and at its floor. */
export function checkQuality(runs: Record<string, readonly CellRecord[]>, baseline: QualityBaseline): QualityResult[] {
  return baseline.checks.map((check) => {
    const value = valueOf(runs[check.experiment] ?? [], check);
    if (value === null) return { check, value, delta: null, ok: false, why: 'missing' };
    const delta = value - check.value;
    // a whisker of float slack on top of the tolerance, so that a tolerance of 0 compares like ===
    if (Math.abs(delta) > check.tolerance + 1e-12) return { check, value, delta, ok: false, why: delta < 0 ? 'fell beyond the tolerance' : check.ceiling === undefined ? 'rose beyond the tolerance (leakage?)' : 'rose beyond the tolerance' };
    const beyond = limitCrossed(check, value);
    if (beyond) return { check, value, delta, ok: false, why: `${beyond.key === 'floor' ? 'below' : 'above'} the ${beyond.key} ${beyond.limit}` };
    return { check, value, delta, ok: true };
  });
}

/** The check's floor when `value` is below it, or its ceiling when `value` is above it; null within both. */
function limitCrossed(c: BaselineCheck, value: number): { key: 'floor' | 'ceiling'; limit: number } | null {
  if (c.floor !== undefined && value < c.floor) return { key: 'floor', limit: c.floor };
  if (c.ceiling !== undefined && value > c.ceiling) return { key: 'ceiling', limit: c.ceiling };
  return null;
}

export interface UpdateOptions {
  /** Allow new values below a check's floor: the floor moves down to them, with this reason recorded. */
  lowerFloor?: { reason: string; date: string };
}

/**
 * The baseline a run would commit (`quality --update`): its values, the tolerances and floors kept. A value below a
 * check's floor is refused (an error naming the checks) unless `lowerFloor` gives a reason, which is recorded.
 */
export function baselineFrom(runs: Record<string, readonly CellRecord[]>, old: QualityBaseline, o: UpdateOptions = {}): QualityBaseline {
  const missing: string[] = [];
  const below: string[] = [];
  const floorChanges = [...old.floorChanges];
  const checks = old.checks.map((c) => {
    const v = valueOf(runs[c.experiment] ?? [], c);
    if (v === null) {
      missing.push(checkName(c));
      return c;
    }
    const value = round10(v);
    const beyond = limitCrossed(c, value);
    if (beyond) {
      if (!o.lowerFloor) {
        below.push(`${checkName(c)} ${value} ${beyond.key === 'floor' ? '<' : '>'} ${beyond.key} ${beyond.limit}`);
        return c;
      }
      floorChanges.push({ date: o.lowerFloor.date, check: checkName(c), from: beyond.limit, to: value, reason: o.lowerFloor.reason });
      return { ...c, value, [beyond.key]: value };
    }
    return { ...c, value };
  });
  if (missing.length > 0) throw new Error(`the run has no value for ${missing.join(', ')}`);
  if (below.length > 0) throw new Error(`refusing to record values beyond their floor or ceiling (give --lower-floor --reason "..." to lower it): ${below.join('; ')}`);
  return { ...old, checks, floorChanges };
}

/** Ten decimals: well inside the 1e-9 tolerance of the deterministic checks. */
const round10 = (x: number) => Math.round(x * 1e10) / 1e10;

/** One line per check, then the summary line `quality gate: passed|FAILED (P passed, F failed of N checks)`. */
export function formatResults(results: QualityResult[]): string[] {
  const f = (x: number | null) => (x === null ? '-' : x.toFixed(4));
  const lines = results.map((r) => {
    const c = r.check;
    const d = r.delta === null ? 'missing' : signed(r.delta);
    return `${r.ok ? 'ok  ' : 'FAIL'} ${checkName(c).padEnd(58)} ${f(r.value)} (baseline ${f(c.value)}, ${d}, tolerance ±${c.tolerance}${c.floor !== undefined ? `, floor ${c.floor}` : ''}${c.ceiling !== undefined ? `, ceiling ${c.ceiling}` : ''})${r.why ? `: ${r.why}` : ''}`;
  });
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  lines.push(`quality gate: ${failed === 0 ? 'passed' : 'FAILED'} (${passed} passed, ${failed} failed of ${results.length} checks)`);
  return lines;
}

/** +0.0123 / -0.0123, and +0.0000 for differences that round to zero. */
const signed = (d: number): string => (Math.abs(d) < 5e-5 ? '+0.0000' : `${d > 0 ? '+' : ''}${d.toFixed(4)}`);
