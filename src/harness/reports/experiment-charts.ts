import type { TopLevelSpec } from 'vega-lite';
import type { AggregateRow } from '../experiments/aggregate-cells.ts';
import type { ExperimentDef } from '../experiments/definition.ts';
import { groupedBarSpec, heatmapSpec, lineSpec, prCurveSpec } from './charts/specs.ts';
import { datasetLabel, metricLabel, optionLabel, variantText } from './labels.ts';

export interface Chart {
  /** File name stem: NAME.vl.json, NAME.svg, NAME.png. */
  name: string;
  caption: string;
  spec: TopLevelSpec;
}

const slug = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '-');
const unique = <T>(xs: T[]): T[] => [...new Set(xs)];
/** A label inside a sentence: 'importance samples L_z'; a label that starts with an acronym (AUPRC, L_z) stays. */
const lowerFirst = (s: string): string => (/^[A-Z][a-z]/.test(s) ? s[0].toLowerCase() + s.slice(1) : s);
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
    const name = datasetLabel(dataset);
    // each curve starts at recall 0 with its first precision, so the step drawing covers [0, R_1] as AP counts it;
    // the legend gives the AUPRC and the dot the decision of the seed the curve is of
    const curves = rs.flatMap((r) => {
      const first = r.results[0];
      const c = first?.curve;
      if (!c?.length) return [];
      const auprc = first.metrics?.auprc;
      const series = `${variantText(def, r)}${Number.isFinite(auprc) ? ` (AUPRC ${auprc!.toFixed(3)})` : ''}`;
      const { precision, recall } = first.metrics ?? {};
      const operating = Number.isFinite(precision) && Number.isFinite(recall) ? { operating: { precision: precision!, recall: recall! } } : {};
      return [{ series, points: [{ recall: 0, precision: c[0].precision }, ...c], ...operating }];
    });
    if (curves.length) {
      const seed = rs[0].results[0].spec.seed;
      charts.push({
        name: `pr-${slug(dataset)}`,
        caption: `Precision-recall curves on ${name} (seed ${seed}), from each method's test scores; a dot marks each method's decision (the precision and recall at the threshold it chose without labels), the legend gives its AUPRC.`,
        spec: prCurveSpec({ title: `Precision-recall curves: ${name}`, subtitle: `${def.title}, seed ${seed}` }, curves),
      });
    }
    const metrics = ['precision', 'recall', 'f1', 'auprc'];
    const bars = rs.flatMap((r) => metrics.flatMap((k) => {
      const v = r.metrics[k];
      return v && Number.isFinite(v.mean) ? [{ group: metricLabel(k).label, series: variantText(def, r), value: v.mean, ...(Number.isFinite(v.std) ? { error: v.std } : {}) }] : [];
    }));
    if (bars.length) {
      charts.push({
        name: `bars-${slug(dataset)}`,
        caption: `Overall precision, recall, F1 and AUPRC on ${name}${rs.some((r) => r.seeds.length > 1) ? ' (whiskers: ± one std over seeds)' : ''}.`,
        spec: groupedBarSpec({ title: `Detection quality: ${name}`, subtitle: def.title, yTitle: 'Score', yDomain: [0, 1] }, bars),
      });
    }
  }
  return charts;
}

function byDatasetCharts(def: ExperimentDef, rows: AggregateRow[], metric = 'f1'): Chart[] {
  const rs = okRows(rows);
  const label = metricLabel(metric).label;
  const values = rs.flatMap((r) => (r.metrics[metric] && Number.isFinite(r.metrics[metric]!.mean) ? [{ dataset: datasetLabel(r.dataset), method: variantText(def, r), value: r.metrics[metric]!.mean, error: r.metrics[metric]!.std }] : []));
  if (!values.length) return [];
  return [
    {
      name: `bars-${metric}`,
      caption: `${label} per dataset and method.`,
      spec: groupedBarSpec({ title: `${label} per dataset`, subtitle: def.title, yTitle: label, yDomain: [0, 1] }, values.map(({ dataset, method, value, error }) => ({ group: dataset, series: method, value, ...(Number.isFinite(error) ? { error } : {}) }))),
    },
    {
      name: `heatmap-${metric}`,
      caption: `${label} of every method on every dataset.`,
      spec: heatmapSpec({ title: `${label}: methods x datasets`, subtitle: def.title, xTitle: 'Dataset', yTitle: 'Method', valueTitle: label }, values.map(({ dataset, method, value }) => ({ x: dataset, y: method, value }))),
    },
  ];
}

function rankingCharts(def: ExperimentDef, rows: AggregateRow[]): Chart[] {
  const ks = def.report.ks ?? [1, 2, 3];
  const many = unique(rows.map((x) => x.dataset)).length > 1;
  const bars = okRows(rows).flatMap((r) => ks.flatMap((k) => {
    const v = r.metrics[`p@${k}`];
    return v && Number.isFinite(v.mean) ? [{ group: metricLabel(`p@${k}`).label, series: many ? `${variantText(def, r)} (${datasetLabel(r.dataset)})` : variantText(def, r), value: v.mean, ...(Number.isFinite(v.std) ? { error: v.std } : {}) }] : [];
  }));
  return bars.length ? [{ name: 'bars-precision-at-k', caption: 'Precision@K of the root-cause rankings.', spec: groupedBarSpec({ title: 'Root-cause localisation: Precision@K', subtitle: def.title, yTitle: 'Precision@K', yDomain: [0, 1] }, bars) }] : [];
}

function sweepCharts(def: ExperimentDef, rows: AggregateRow[], metrics: string[]): Chart[] {
  const x = def.report.x;
  if (!x) return [];
  const rs = okRows(rows).filter((r) => typeof r.options[x] === 'number');
  const many = unique(rs.map((r) => r.dataset)).length > 1;
  const series = (r: AggregateRow) => (many ? `${variantText(def, r, x)} (${datasetLabel(r.dataset)})` : variantText(def, r, x));
  const xs = rs.map((r) => r.options[x] as number);
  const logX = xs.length > 0 && Math.max(...xs) / Math.max(1, Math.min(...xs.filter((v) => v > 0))) >= 50;
  const option = optionLabel(x);
  return metrics.flatMap((k) => {
    const metric = metricLabel(k);
    const points = rs.flatMap((r) => (r.metrics[k] && Number.isFinite(r.metrics[k]!.mean) ? [{ x: r.options[x] as number, y: r.metrics[k]!.mean, series: series(r), ...(Number.isFinite(r.metrics[k]!.std) ? { error: r.metrics[k]!.std } : {}) }] : []));
    return points.length
      ? [{ name: `line-${slug(k)}`, caption: `${metric.label} against ${lowerFirst(option.label)}${metric.share ? ' (the y axis spans the values, not 0 to 1)' : ''}.`, spec: lineSpec({ title: `${metric.label} against ${option.short}`, subtitle: def.title, xTitle: option.label, yTitle: metric.label, logX, ...(metric.share ? { yShare: true } : {}) }, points) }]
      : [];
  });
}

function artifactCharts(def: ExperimentDef, rows: AggregateRow[]): Chart[] {
  return okRows(rows).flatMap((r) => {
    const h = r.results[0]?.artifacts?.heatmap as HeatmapArtifact | undefined;
    if (!h || !Array.isArray(h.x) || !Array.isArray(h.values)) return [];
    const what = `${variantText(def, r)} on ${datasetLabel(r.dataset)}`;
    return [{
      name: `heatmap-${slug(r.variant)}-${slug(r.dataset)}`,
      caption: `${h.valueTitle ?? 'Value'} of ${what} (seed ${r.results[0].spec.seed}; ${h.x.length} x ${h.y.length} grid, drawn at most 80 x 80).`,
      spec: heatmapSpec({ title: what, subtitle: def.title, xTitle: h.xTitle ?? 'x', yTitle: h.yTitle ?? 'y', valueTitle: h.valueTitle ?? 'value', quantitative: true }, gridCells(h)),
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
