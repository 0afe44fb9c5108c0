import type { CellResult } from '../../lib/contracts/experiment.ts';
import { meanStd, type MeanStd } from '../../lib/metrics/aggregate.ts';
import { canonicalJson } from './cell-key.ts';
import type { CellRecord } from './runner.ts';

/** One method variant on one dataset, over its seeds. */
export interface AggregateRow {
  dataset: string;
  /** Registry name of the method. */
  method: string;
  /** Table label (method label plus grid values). */
  variant: string;
  options: Record<string, unknown>;
  seeds: number[];
  /**
   * ok: every seed finished; failed: none did; missing: none is on disk yet, and none failed (`--report-only`
   * before every shard ran); partial: some did; not-applicable: the method cannot run on the data.
   */
  status: 'ok' | 'partial' | 'failed' | 'missing' | 'not-applicable';
  reason?: string;
  /**
   * Mean and std over seeds of each number, by flat name: precision, recall, f1, auprc, bestF1, fpr,
   * recallAtFpr0.001, recallAtPrecision0.97 (and the other levels), `rt.recall`,
   * `rt.precision`, ..., `p@1`, ..., trainSec, testSec, and the values of task cells. null = N/A.
   */
  metrics: Record<string, MeanStd | null>;
  /** Anomalous test rows per type (of the first seed). */
  typeCounts: Record<string, number>;
  /** The results behind the row, in seed order. */
  results: CellResult[];
}

/** The numbers of one cell by flat name; null = N/A. */
export function flatMetrics(r: CellResult): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  if (r.metrics) {
    const { precision, recall, f1, auprc, bestF1, fpr, recallAtFpr, recallAtPrecision } = r.metrics;
    Object.assign(out, { precision, recall, f1, auprc, bestF1 });
    if (fpr !== undefined) out.fpr = fpr;
    for (const [level, v] of Object.entries(recallAtFpr ?? {})) out[`recallAtFpr${level}`] = v;
    for (const [level, v] of Object.entries(recallAtPrecision ?? {})) out[`recallAtPrecision${level}`] = v;
  }
  for (const [type, m] of Object.entries(r.perType ?? {})) {
    out[`${type}.precision`] = m.precision;
    out[`${type}.recall`] = m.recall;
  }
  for (const [k, v] of Object.entries(r.ranking?.precisionAtK ?? {})) out[`p@${k}`] = v;
  for (const [k, v] of Object.entries(r.values ?? {})) out[k] = v;
  out.trainSec = r.times.trainSec;
  out.testSec = r.times.testSec;
  return out;
}

/** Groups cells by dataset and method variant (in the order they first appear) and takes mean +- std over seeds. */
export function aggregateCells(cells: readonly CellRecord[]): AggregateRow[] {
  const groups = new Map<string, CellRecord[]>();
  for (const c of cells) {
    const id = canonicalJson([c.spec.dataset, c.spec.method, c.spec.variant, c.spec.options]);
    const g = groups.get(id);
    if (g) g.push(c);
    else groups.set(id, [c]);
  }
  return [...groups.values()].map((g) => {
    const done = g.filter((c) => c.result !== null).map((c) => c.result!);
    const ok = done.filter((r) => r.status !== 'not-applicable');
    const flats = ok.map(flatMetrics);
    const names = [...new Set(flats.flatMap((f) => Object.keys(f)))];
    const metrics: Record<string, MeanStd | null> = {};
    for (const name of names) {
      const values = flats.map((f) => f[name]);
      metrics[name] = values.every((v) => v === null || v === undefined) ? null : meanStd(values);
    }
    const first = g[0].spec;
    const na = done.find((r) => r.status === 'not-applicable');
    const none = g.every((c) => c.missing) ? 'missing' : 'failed';
    const status: AggregateRow['status'] = na ? 'not-applicable' : ok.length === 0 ? none : ok.length < g.length ? 'partial' : 'ok';
    return {
      dataset: first.dataset,
      method: first.method,
      variant: first.variant ?? first.method,
      options: first.options,
      seeds: g.map((c) => c.spec.seed),
      status,
      ...(na?.reason ? { reason: na.reason } : {}),
      metrics,
      typeCounts: Object.fromEntries(Object.entries(ok[0]?.perType ?? {}).map(([t, m]) => [t, m.count ?? 0])),
      results: done,
    };
  });
}
