import type { TopLevelSpec } from 'vega-lite';
import { textWidth } from './text-width.ts';

/**
 * Vega-Lite specs of the report charts. Each builder takes plain rows and returns a complete spec with its data
 * inlined, so that the saved `.vl.json` re-renders anywhere (the Vega editor, vl2svg) without the harness.
 */

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
/** No text under 11 px: the report page shows the charts at their own size (PLOT_WIDTH keeps them inside it). */
const CONFIG = {
  background: 'white',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 11, symbolSize: 120 },
  title: { fontSize: 14, subtitleFontSize: 11 },
} as const;

/**
 * The widest plot area of a chart, px; with its axes and legend a chart stays under 600 px, so that the report
 * page (1200 px of content) shows two side by side at their own size, and a narrow window shrinks them no
 * further than the page.
 */
export const PLOT_WIDTH = 420;

/**
 * The legend under a chart: two columns when two of the longest label fit under the plot, else one, so that it
 * never makes the chart wider than its plot; labels are cut only past 400 px.
 */
export function legendFor(series: string[]): { orient: 'bottom'; columns: number; labelLimit: number } {
  const longest = Math.max(0, ...series.map((x) => textWidth(x, CONFIG.legend.labelFontSize)));
  return { orient: 'bottom', columns: 2 * (Math.min(longest, 400) + 40) <= PLOT_WIDTH ? 2 : 1, labelLimit: 400 };
}
const seriesOf = (rows: { series: string }[]): string[] => [...new Set(rows.map((r) => r.series))];

/** The width the longest of some axis labels takes, px. */
const longestLabel = (labels: string[]): number => Math.max(0, ...labels.map((l) => textWidth(l, CONFIG.axis.labelFontSize)));

/** Category labels upright when each fits its `band` px, else slanted (Table VI's six dataset names). */
const categoryAxis = (labels: string[], band: number) => (longestLabel(labels) + 8 <= band ? { labelAngle: 0 } : { labelAngle: -30, labelLimit: 200 });

export interface Titled {
  title: string;
  subtitle?: string;
}

const head = (t: Titled) => ({ $schema: SCHEMA, title: t.subtitle ? { text: t.title, subtitle: t.subtitle } : t.title, config: CONFIG });

/**
 * PR curves, one line per series, points in threshold order (recall rising); colours in series order, as the
 * bars'. `operating`: each series' decision (the precision and recall of the threshold it chose), drawn as a
 * point of its colour on its curve.
 */
export function prCurveSpec(t: Titled, curves: { series: string; points: { recall: number; precision: number }[]; operating?: { recall: number; precision: number } }[]): TopLevelSpec {
  const values = curves.flatMap((c) => c.points.map((p, i) => ({ series: c.series, recall: p.recall, precision: p.precision, i })));
  const operating = curves.flatMap((c) => (c.operating ? [{ series: c.series, ...c.operating }] : []));
  const x = { field: 'recall', type: 'quantitative' as const, scale: { domain: [0, 1] }, title: 'Recall' };
  const y = { field: 'precision', type: 'quantitative' as const, scale: { domain: [0, 1] }, title: 'Precision' };
  const color = { field: 'series', type: 'nominal' as const, title: null, sort: null, legend: legendFor(curves.map((c) => c.series)) };
  return {
    ...head(t),
    width: PLOT_WIDTH,
    height: 300,
    layer: [
      { data: { values }, mark: { type: 'line', interpolate: 'step-before', point: false, strokeWidth: 2 }, encoding: { x, y, color, order: { field: 'i', type: 'quantitative' } } },
      ...(operating.length
        ? [{ data: { values: operating }, mark: { type: 'point' as const, filled: true, size: 90, stroke: 'black', strokeWidth: 1, opacity: 1 }, encoding: { x, y, color } }]
        : []),
    ],
  };
}

/** Bars grouped by `group`, one bar per `series`, with +- `error` whiskers where given. */
export function groupedBarSpec(t: Titled & { yTitle: string; yDomain?: [number, number] }, bars: { group: string; series: string; value: number; error?: number }[]): TopLevelSpec {
  const values = bars.map((b) => ({ ...b, lo: b.value - (b.error ?? 0), hi: b.value + (b.error ?? 0) }));
  const groups = [...new Set(bars.map((b) => b.group))];
  // wide enough for the bars and, up to the plot width, for the groups' labels
  const width = Math.min(PLOT_WIDTH, Math.max(300, 16 * bars.length, groups.length * (longestLabel(groups) + 12)));
  const x = { field: 'group', type: 'nominal' as const, title: null, axis: categoryAxis(groups, width / groups.length), sort: null };
  const xOffset = { field: 'series', type: 'nominal' as const, sort: null };
  const y = { type: 'quantitative' as const, title: t.yTitle, ...(t.yDomain ? { scale: { domain: t.yDomain } } : {}) };
  return {
    ...head(t),
    width,
    height: 260,
    data: { values },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: { x, xOffset, y: { ...y, field: 'value' }, color: { field: 'series', type: 'nominal', title: null, sort: null, legend: legendFor(seriesOf(bars)) } },
      },
      {
        transform: [{ filter: 'datum.hi > datum.lo' }],
        mark: { type: 'rule', color: 'black' },
        encoding: { x, xOffset, y: { ...y, field: 'lo' }, y2: { field: 'hi' } },
      },
    ],
  };
}

/** Half the smallest gap between distinct values (a grid's half cell), 0.5 for a single value. */
function halfStep(values: number[]): number {
  const u = [...new Set(values)].sort((a, b) => a - b);
  let d = Infinity;
  for (let i = 1; i < u.length; i++) d = Math.min(d, u[i] - u[i - 1]);
  return Number.isFinite(d) ? d / 2 : 0.5;
}

/**
 * A heat map of `value` over an x/y grid of categories (each cell labelled with its value) or, with
 * `quantitative`, of numbers: then each cell is a rectangle centred on its grid point, on numeric axes with
 * round ticks (Fig. 11's densities over two response times). Keep it to a few thousand cells.
 */
export function heatmapSpec(t: Titled & { xTitle: string; yTitle: string; valueTitle: string; quantitative?: boolean }, cells: { x: string | number; y: string | number; value: number }[]): TopLevelSpec {
  const color = { field: 'value', type: 'quantitative' as const, title: t.valueTitle, scale: { scheme: 'viridis' }, legend: { titleLimit: 400 } };
  if (t.quantitative) {
    const hx = halfStep(cells.map((c) => Number(c.x)));
    const hy = halfStep(cells.map((c) => Number(c.y)));
    const values = cells.map((c) => ({ value: c.value, x0: Number(c.x) - hx, x1: Number(c.x) + hx, y0: Number(c.y) - hy, y1: Number(c.y) + hy }));
    const scale = { zero: false, nice: false };
    return {
      ...head(t),
      data: { values },
      width: 360,
      height: 360,
      mark: { type: 'rect' },
      encoding: {
        x: { field: 'x0', type: 'quantitative', title: t.xTitle, scale },
        x2: { field: 'x1' },
        y: { field: 'y0', type: 'quantitative', title: t.yTitle, scale },
        y2: { field: 'y1' },
        color,
      },
    };
  }
  const type = 'nominal' as const;
  // viridis is light at its top: dark text there, white below
  const vs = cells.map((c) => c.value).filter(Number.isFinite);
  const light = vs.length ? Math.min(...vs) + 0.6 * (Math.max(...vs) - Math.min(...vs)) : 0;
  return {
    ...head(t),
    data: { values: cells },
    width: { step: 60 },
    height: { step: 28 },
    layer: [
      { mark: { type: 'rect' }, encoding: { x: { field: 'x', type, title: t.xTitle, sort: null, axis: categoryAxis(cells.map((c) => String(c.x)), 60) }, y: { field: 'y', type, title: t.yTitle, sort: null }, color } },
      { mark: { type: 'text' as const, fontSize: 11 }, encoding: { x: { field: 'x', type, sort: null }, y: { field: 'y', type, sort: null }, text: { field: 'value', type: 'quantitative' as const, format: '.2f' }, color: { condition: { test: `datum.value > ${light}`, value: 'black' }, value: 'white' } } },
    ],
  };
}

/**
 * The y range of a sweep's values (their whiskers included), padded by 10% of the range on each side (by 1% of
 * the value, at least 0.001, when all are equal), so that a recall between 0.906 and 0.920 fills the plot instead
 * of a sliver of 0..1; a share (`share`) is kept inside [0, 1], and nothing goes below 0 that is not below 0.
 */
export function paddedDomain(values: { lo: number; hi: number }[], share = false): [number, number] {
  const lo = Math.min(...values.map((v) => v.lo));
  const hi = Math.max(...values.map((v) => v.hi));
  const pad = hi > lo ? 0.1 * (hi - lo) : Math.max(0.01 * Math.abs(hi), 0.001);
  let domain: [number, number] = [lo - pad, hi + pad];
  if (lo >= 0) domain = [Math.max(0, domain[0]), domain[1]];
  if (share) domain = [Math.max(0, domain[0]), Math.min(1, domain[1])];
  return domain;
}

/**
 * Lines of y against x, one per series (ablations: a metric against K or L_z; colours in series order), with
 * points and optional log x (symlog when some x is 0, as K = 0 is). The x axis has its ticks at the swept
 * values, and the x scale 10 px of padding so that the first and last points are not drawn on the plot's edges;
 * the y axis spans the values (paddedDomain), not 0 to 1.
 */
export function lineSpec(t: Titled & { xTitle: string; yTitle: string; logX?: boolean; yShare?: boolean }, points: { x: number; y: number; series: string; error?: number }[]): TopLevelSpec {
  const values = points.map((p) => ({ ...p, lo: p.y - (p.error ?? 0), hi: p.y + (p.error ?? 0) }));
  const swept = [...new Set(points.map((p) => p.x))].sort((a, b) => a - b);
  const type = !t.logX ? ('linear' as const) : swept[0] > 0 ? ('log' as const) : ('symlog' as const);
  const x = { field: 'x', type: 'quantitative' as const, title: t.xTitle, scale: { type, padding: 10, nice: false }, axis: { values: swept } };
  const yScale = { domain: paddedDomain(values, t.yShare), zero: false, nice: false };
  return {
    ...head(t),
    width: PLOT_WIDTH,
    height: 280,
    data: { values },
    layer: [
      { mark: { type: 'line', point: true }, encoding: { x, y: { field: 'y', type: 'quantitative', title: t.yTitle, scale: yScale }, color: { field: 'series', type: 'nominal', title: null, sort: null, legend: legendFor(seriesOf(points)) } } },
      { transform: [{ filter: 'datum.hi > datum.lo' }], mark: { type: 'rule' }, encoding: { x, y: { field: 'lo', type: 'quantitative', scale: yScale }, y2: { field: 'hi' }, color: { field: 'series', type: 'nominal', sort: null } } },
    ],
  };
}
