import type { TopLevelSpec } from 'vega-lite';
import type { AggregateRow } from '../experiments/aggregate-cells.ts';
import type { ExperimentDef } from '../experiments/definition.ts';
import { groupedBarSpec, heatmapSpec, lineSpec, prCurveSpec } from './charts/specs.ts';

export interface Chart {
  /** File name stem: NAME.vl.json, NAME.svg, NAME.png. */
  name: string;
  caption: string;
  spec: TopLevelSpec;
}

const slug = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '-');
const unique = <T>(xs: T[]): T[] => [...new Set(xs)];
const okRows = (rows: AggregateRow[]) => rows.filter((r) => r.status === 'ok' || r.status === 'partial');

/** A density grid a task cell may keep as `artifacts.heatmap` (Fig. 11): values row-major, y by x. */
export interface HeatmapArtifact {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  valueTitle?: string;
  x: number[];
  y: number[];
  values: number[];
}

/** At most `max` x `max` cells of a grid (every k-th row and column), as chart rows. */
export function gridCells(h: HeatmapArtifact, max = 80): { x: number; y: number; value: number }[] {
  const sx = Math.max(1, Math.ceil(h.x.length / max));
  const sy = Math.max(1, Math.ceil(h.y.length / max));
  const out: { x: number; y: number; value: number }[] = [];
  for (let j = 0; j < h.y.length; j += sy) for (let i = 0; i < h.x.length; i += sx) out.push({ x: h.x[i], y: h.y[j], value: h.values[j * h.x.length + i] });
  return out;
}

function detectionCharts(def: ExperimentDef, rows: AggregateRow[]): Chart[] {
  const charts: Chart[] = [];
  for (const dataset of unique(rows.map((r) => r.dataset))) {
    const rs = okRows(rows.filter((r) => r.dataset === dataset));
    // each curve starts at recall 0 with its first precision, so the step drawing covers [0, R_1] as AP counts it
    const curves = rs.flatMap((r) => {
      const c = r.results[0]?.curve;
      return c?.length ? [{ series: r.variant, points: [{ recall: 0, precision: c[0].precision }, ...c] }] : [];
    });
    if (curves.length) {
      const seed = rs[0].results[0].spec.seed;
      charts.push({
        name: `pr-${slug(dataset)}`,
        caption: `Precision-recall curves on ${dataset} (seed ${seed}), from each method's test scores.`,
        spec: prCurveSpec({ title: `PR curves: ${dataset}`, subtitle: `${def.name}, seed ${seed}` }, curves),
      });
    }
    const metrics = ['precision', 'recall', 'f1', 'auprc'] as const;
    const METRIC_NAMES = { precision: 'Precision', recall: 'Recall', f1: 'F1', auprc: 'AUPRC' };
    const bars = rs.flatMap((r) => metrics.flatMap((k) => {
      const v = r.metrics[k];
      return v && Number.isFinite(v.mean) ? [{ group: METRIC_NAMES[k], series: r.variant, value: v.mean, ...(Number.isFinite(v.std) ? { error: v.std } : {}) }] : [];
    }));
    if (bars.length) {
      charts.push({
        name: `bars-${slug(dataset)}`,
        caption: `Overall precision, recall, F1 and AUPRC on ${dataset}${rs.some((r) => r.seeds.length > 1) ? ' (whiskers: ± one std over seeds)' : ''}.`,
        spec: groupedBarSpec({ title: `Detection quality: ${dataset}`, subtitle: def.name, yTitle: 'score', yDomain: [0, 1] }, bars),
      });
    }
  }
  return charts;
}

function byDatasetCharts(def: ExperimentDef, rows: AggregateRow[], metric = 'f1'): Chart[] {
  const rs = okRows(rows);
  const values = rs.flatMap((r) => (r.metrics[metric] && Number.isFinite(r.metrics[metric]!.mean) ? [{ group: r.dataset, series: r.variant, value: r.metrics[metric]!.mean, x: r.dataset, y: r.variant, error: r.metrics[metric]!.std }] : []));
  if (!values.length) return [];
  return [
    {
      name: `bars-${metric}`,
      caption: `${metric.toUpperCase()} per dataset and method.`,
      spec: groupedBarSpec({ title: `${metric.toUpperCase()} per dataset`, subtitle: def.name, yTitle: metric.toUpperCase(), yDomain: [0, 1] }, values.map(({ group, series, value, error }) => ({ group, series, value, ...(Number.isFinite(error) ? { error } : {}) }))),
    },
    {
      name: `heatmap-${metric}`,
      caption: `${metric.toUpperCase()} of every method on every dataset.`,
      spec: heatmapSpec({ title: `${metric.toUpperCase()}: methods x datasets`, subtitle: def.name, xTitle: 'dataset', yTitle: 'method', valueTitle: metric.toUpperCase() }, values.map(({ x, y, value }) => ({ x, y, value }))),
    },
  ];
}

function rankingCharts(def: ExperimentDef, rows: AggregateRow[]): Chart[] {
  const ks = def.report.ks ?? [1, 2, 3];
  const bars = okRows(rows).flatMap((r) => ks.flatMap((k) => {
    const v = r.metrics[`p@${k}`];
    return v && Number.isFinite(v.mean) ? [{ group: `P@${k}`, series: unique(rows.map((x) => x.dataset)).length > 1 ? `${r.variant} (${r.dataset})` : r.variant, value: v.mean, ...(Number.isFinite(v.std) ? { error: v.std } : {}) }] : [];
  }));
  return bars.length ? [{ name: 'bars-precision-at-k', caption: 'Precision@K of the root-cause rankings.', spec: groupedBarSpec({ title: 'Root-cause localization: Precision@K', subtitle: def.name, yTitle: 'Precision@K', yDomain: [0, 1] }, bars) }] : [];
}

function sweepCharts(def: ExperimentDef, rows: AggregateRow[], metrics: string[]): Chart[] {
  const x = def.report.x;
  if (!x) return [];
  const rs = okRows(rows).filter((r) => typeof r.options[x] === 'number');
  const many = unique(rs.map((r) => r.dataset)).length > 1;
  const series = (r: AggregateRow) => {
    const base = r.variant.replace(new RegExp(`\\s*\\b${x}=\\S+`), '');
    return many ? `${base} (${r.dataset})` : base;
  };
  const xs = rs.map((r) => r.options[x] as number);
  const logX = xs.length > 0 && Math.max(...xs) / Math.max(1, Math.min(...xs.filter((v) => v > 0))) >= 50;
  return metrics.flatMap((k) => {
    const points = rs.flatMap((r) => (r.metrics[k] && Number.isFinite(r.metrics[k]!.mean) ? [{ x: r.options[x] as number, y: r.metrics[k]!.mean, series: series(r), ...(Number.isFinite(r.metrics[k]!.std) ? { error: r.metrics[k]!.std } : {}) }] : []));
    return points.length ? [{ name: `line-${slug(k)}`, caption: `${k} against ${x}.`, spec: lineSpec({ title: `${k} against ${x}`, subtitle: def.name, xTitle: x, yTitle: k, logX }, points) }] : [];
  });
}

function artifactCharts(def: ExperimentDef, rows: AggregateRow[]): Chart[] {
  return okRows(rows).flatMap((r) => {
    const h = r.results[0]?.artifacts?.heatmap as HeatmapArtifact | undefined;
    if (!h || !Array.isArray(h.x) || !Array.isArray(h.values)) return [];
    return [{
      name: `heatmap-${slug(r.variant)}-${slug(r.dataset)}`,
      caption: `${h.title ?? r.variant} on ${r.dataset} (seed ${r.results[0].spec.seed}; ${h.x.length} x ${h.y.length} grid, drawn at most 80 x 80).`,
      spec: heatmapSpec({ title: h.title ?? `${r.variant}: ${r.dataset}`, subtitle: def.name, xTitle: h.xTitle ?? 'x', yTitle: h.yTitle ?? 'y', valueTitle: h.valueTitle ?? 'value', quantitative: true }, gridCells(h)),
    }];
  });
}

/** The charts of an experiment, by its layout; task cells with a `heatmap` artifact get a heat map each. */
export function experimentCharts(def: ExperimentDef, rows: AggregateRow[], metrics: string[]): Chart[] {
  const byLayout = (() => {
    switch (def.report.layout) {
      case 'detection':
        return detectionCharts(def, rows);
      case 'by-dataset':
        return byDatasetCharts(def, rows);
      case 'ranking':
        return rankingCharts(def, rows);
      case 'root-causes':
        return [];
      case 'sweep':
        return sweepCharts(def, rows, def.report.metrics ?? (def.kind === 'detection' ? ['f1', 'auprc'] : metrics));
      case 'values':
        return [];
    }
  })();
  return [...byLayout, ...artifactCharts(def, rows)];
}
