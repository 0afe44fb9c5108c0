import type { CellRecord } from '../experiments/runner.ts';

/**
 * The committed quality baseline (reports/quality-baseline.json): per method (as named in the gate's experiment),
 * the metric values a healthy build reaches, and how far below them a run may fall before the gate fails.
 */
export interface QualityBaseline {
  experiment: string;
  /** Largest allowed drop below a baseline value (absolute, e.g. 0.03 = 3 points of AUPRC or F1). */
  tolerance: number;
  methods: Record<string, Record<string, number>>;
  note?: string;
}

export interface QualityCheck {
  method: string;
  metric: string;
  baseline: number;
  value: number | null;
  /** value - baseline */
  delta: number | null;
  ok: boolean;
}

/** Compares a run's cells with the baseline: every baselined metric of every baselined method must be there and within tolerance. */
export function checkQuality(cells: CellRecord[], baseline: QualityBaseline): QualityCheck[] {
  const checks: QualityCheck[] = [];
  for (const [method, metrics] of Object.entries(baseline.methods)) {
    const cell = cells.find((c) => c.spec.method === method && c.result?.metrics);
    for (const [metric, want] of Object.entries(metrics)) {
      const raw = cell?.result?.metrics?.[metric as keyof NonNullable<typeof cell.result.metrics>];
      const value = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
      const delta = value === null ? null : value - want;
      checks.push({ method, metric, baseline: want, value, delta, ok: delta !== null && delta >= -baseline.tolerance });
    }
  }
  return checks;
}

/** The baseline a run would commit (`quality --update`): its values of the metrics the old baseline lists (or AUPRC and F1). */
export function baselineFrom(cells: CellRecord[], old: QualityBaseline): QualityBaseline {
  const methods: Record<string, Record<string, number>> = {};
  for (const c of cells) {
    const m = c.result?.metrics;
    if (!m) continue;
    const keys = Object.keys(old.methods[c.spec.method] ?? { auprc: 0, f1: 0 });
    methods[c.spec.method] = Object.fromEntries(keys.map((k) => [k, round4(m[k as keyof typeof m] as number)]));
  }
  return { ...old, methods };
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

export function formatChecks(checks: QualityCheck[], tolerance: number): string[] {
  const f = (x: number | null) => (x === null ? '-' : x.toFixed(4));
  return checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.method.padEnd(16)} ${c.metric.padEnd(8)} ${f(c.value)} (baseline ${f(c.baseline)}, ${c.delta === null ? 'missing' : signed(c.delta)}, tolerance -${tolerance})`);
}

/** +0.0123 / -0.0123, and +0.0000 for differences that round to zero. */
const signed = (d: number): string => (Math.abs(d) < 5e-5 ? '+0.0000' : `${d > 0 ? '+' : ''}${d.toFixed(4)}`);
