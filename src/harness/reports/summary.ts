import type { AggregateRow } from '../experiments/aggregate-cells.ts';
import type { RunResult } from '../experiments/runner.ts';

/** One row of summary.json: a method variant on a dataset, means over seeds, stds beside them. */
export interface SummaryRow {
  method: string;
  label: string;
  dataset: string;
  options: Record<string, unknown>;
  seeds: number[];
  status: AggregateRow['status'];
  reason?: string;
  precision?: number | null;
  recall?: number | null;
  f1?: number | null;
  auprc?: number | null;
  /** Oracle operating point (threshold chosen on test labels). */
  bestF1?: number | null;
  trainSec?: number | null;
  testSec?: number | null;
  perType?: Record<string, { count: number; precision: number | null; recall: number | null }>;
  precisionAtK?: Record<string, number | null>;
  /** Standard deviation over seeds of each number above, by the same name (`rt.recall`, `p@1` for nested ones). */
  std: Record<string, number | null>;
  [value: string]: unknown;
}

export interface Summary {
  experiment: string;
  title: string;
  quick: boolean;
  seeds: number[];
  generatedAt: string;
  cells: RunResult['counts'] & { reusedKeys: string[] };
  versions: Record<string, string>;
  rows: SummaryRow[];
}

const num = (x: number | undefined): number | null => (x === undefined || !Number.isFinite(x) ? null : x);

export function summaryRow(r: AggregateRow): SummaryRow {
  const row = { method: r.method, label: r.variant, dataset: r.dataset, options: r.options, seeds: r.seeds, status: r.status } as SummaryRow;
  if (r.reason) row.reason = r.reason;
  const std: Record<string, number | null> = {};
  for (const [name, s] of Object.entries(r.metrics)) {
    const mean = s === null ? null : num(s.mean);
    std[name] = s === null ? null : num(s.std);
    const dot = name.indexOf('.');
    if (name.startsWith('p@')) (row.precisionAtK ??= {})[name.slice(2)] = mean;
    else if (dot > 0) {
      const type = name.slice(0, dot);
      const t = ((row.perType ??= {})[type] ??= { count: r.typeCounts[type] ?? 0, precision: null, recall: null });
      t[name.slice(dot + 1) as 'precision' | 'recall'] = mean;
    } else row[name] = mean;
  }
  row.std = std;
  return row;
}

/** summary.json: `{"experiment", "rows": [{"method", "dataset", "precision", "recall", "f1", "auprc", ...}]}`. */
export function buildSummary(run: RunResult, rows: AggregateRow[]): Summary {
  const versions = run.cells.find((c) => c.result)?.result?.versions ?? {};
  return {
    experiment: run.experiment.name,
    title: run.experiment.title,
    quick: run.quick,
    seeds: run.plan.seeds,
    generatedAt: new Date().toISOString(),
    cells: { ...run.counts, reusedKeys: run.cells.filter((c) => c.reused).map((c) => c.key) },
    versions,
    rows: rows.map(summaryRow),
  };
}
