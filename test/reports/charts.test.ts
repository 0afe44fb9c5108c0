import { describe, expect, it } from 'vitest';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { findFont } from '../../src/harness/reports/charts/fonts.ts';
import { prefixSvgIds, renderPng, renderSvg } from '../../src/harness/reports/charts/render.ts';
import { groupedBarSpec, heatmapSpec, lineSpec, paddedDomain, prCurveSpec } from '../../src/harness/reports/charts/specs.ts';
import { textWidth } from '../../src/harness/reports/charts/text-width.ts';
import { experimentCharts, gridCells } from '../../src/harness/reports/experiment-charts.ts';
import type { AggregateRow } from '../../src/harness/experiments/aggregate-cells.ts';
import type { ExperimentDef } from '../../src/harness/experiments/definition.ts';
import type { CellResult } from '../../src/lib/contracts/experiment.ts';
import { decodePng, darkPixels } from '../helpers/png.ts';

/** The width and height attributes of a rendered SVG. */
const svgSize = (svg: string): [number, number] => {
  const m = /^<svg[^>]*width="([\d.]+)" height="([\d.]+)"/.exec(svg)!;
  return [Number(m[1]), Number(m[2])];
};

/** An axis's labels in a rendered chart, with their positions along it (px from the plot's start). */
function axisLabels(svg: string, axis: 'X' | 'Y'): { at: number; text: string }[] {
  const part = svg.slice(svg.indexOf(`aria-label="${axis}-axis`)).split('role-axis-label')[1].split('</g>')[0];
  return [...part.matchAll(/translate\(([\d.-]+),([\d.-]+)\)[^>]*>([^<]+)<\/text>/g)].map((m) => ({ at: Number(axis === 'X' ? m[1] : m[2]), text: m[3] }));
}

const bars = [
  { group: 'precision', series: 'a', value: 0.9, error: 0.05 },
  { group: 'precision', series: 'b', value: 0.6 },
  { group: 'recall', series: 'a', value: 0.7 },
  { group: 'recall', series: 'b', value: 0.4 },
];

describe('charts', () => {
  it('finds a TrueType font for PNG text', () => {
    const f = findFont();
    expect(f.warning).toBeUndefined();
    expect(f.family).toBeTruthy();
    expect(f.files[0]).toMatch(/\.(ttf|otf)$/i);
  });

  it('renders the title as text pixels in the PNG: a black title against the same chart with a white one', async () => {
    const spec = (color: string): TopLevelSpec => ({ ...groupedBarSpec({ title: 'Detection quality', yTitle: 'score', yDomain: [0, 1] }, bars), title: { text: 'Detection quality', color } });
    const black = decodePng(renderPng(await renderSvg(spec('black'))).png);
    const white = decodePng(renderPng(await renderSvg(spec('white'))).png);
    expect([black.width, black.height]).toEqual([white.width, white.height]);
    // pixels that differ are the title's glyphs; they sit in the band above the plot
    let differ = 0;
    let lowest = 0;
    for (let i = 0; i < black.rgba.length; i += 4) {
      if (Math.abs(black.rgba[i] - white.rgba[i]) > 64) {
        differ++;
        lowest = Math.max(lowest, Math.floor(i / 4 / black.width));
      }
    }
    expect(differ).toBeGreaterThan(300);
    expect(lowest).toBeLessThan(60); // 2x scale: the title band is the top ~25 px of the chart
    const band = darkPixels(black, 0, 0, black.width, 50);
    expect(band).toBeGreaterThan(300);
    expect(darkPixels(white, 0, 0, white.width, 50)).toBeLessThan(band / 10);
  });

  it('builds PR, bar, heat-map and line specs that compile and render to SVG', async () => {
    const specs = [
      prCurveSpec({ title: 'PR' }, [{ series: 's', points: [{ recall: 0, precision: 1 }, { recall: 1, precision: 0.5 }] }]),
      groupedBarSpec({ title: 'bars', yTitle: 'y' }, bars),
      heatmapSpec({ title: 'heat', xTitle: 'dataset', yTitle: 'method', valueTitle: 'F1' }, [{ x: 'd1', y: 'm1', value: 0.5 }, { x: 'd2', y: 'm1', value: 0.7 }]),
      lineSpec({ title: 'line', xTitle: 'K', yTitle: 'F1', logX: true }, [{ x: 0, y: 0.5, series: 's' }, { x: 20, y: 0.9, series: 's', error: 0.05 }]),
    ];
    for (const s of specs) {
      const svg = await renderSvg(s);
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain(`aria-label="Title text '${(s as { title: string }).title}'"`);
    }
  });

  it('puts a sweep\'s x ticks at its values, on a log scale for L_z and symlog with K = 0, no point on the plot\'s edge', async () => {
    /** The x axis's labels and their x positions (the plot is 420 px wide). */
    const xLabels = async (xs: number[], logX: boolean) =>
      axisLabels(await renderSvg(lineSpec({ title: 't', xTitle: 'x', yTitle: 'y', logX }, xs.map((x, i) => ({ x, y: 0.5 + 0.05 * i, series: 's' })))), 'X');
    const lz = await xLabels([1, 5, 10, 50, 100, 500], true);
    expect(lz.map((l) => l.text)).toEqual(['1', '5', '10', '50', '100', '500']);
    const [one, , ten, , hundred, last] = lz.map((l) => l.at);
    expect(ten - one).toBeCloseTo(hundred - ten, 3); // log scale: equal steps per decade
    expect(one).toBeGreaterThanOrEqual(8);
    expect(last).toBeLessThanOrEqual(412);
    const k = await xLabels([0, 1, 2, 5, 10, 20], true);
    expect(k.map((l) => l.text)).toEqual(['0', '1', '2', '5', '10', '20']);
    expect(k[0].at).toBeGreaterThanOrEqual(8);
    const linear = await xLabels([0, 2, 10], false);
    expect(linear.map((l) => l.text)).toEqual(['0', '2', '10']);
    expect(linear[2].at - linear[1].at).toBeCloseTo(4 * (linear[1].at - linear[0].at), 3);
  });

  it('gives a series the same colour in the bars, the PR curves and the lines: colours in series order, not alphabetical', async () => {
    const series = ['WFG-based', 'DeepLog*', 'TraceAnomaly', 'AEVB'];
    const colourDomain = async (spec: TopLevelSpec) => {
      const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
      await view.runAsync();
      const domain = view.scale('color').domain();
      view.finalize();
      return domain;
    };
    expect(await colourDomain(groupedBarSpec({ title: 'b', yTitle: 'y' }, series.map((s, i) => ({ group: 'F1', series: s, value: i / 10 }))))).toEqual(series);
    expect(await colourDomain(prCurveSpec({ title: 'p' }, series.map((s) => ({ series: s, points: [{ recall: 0, precision: 1 }, { recall: 1, precision: 0.5 }] }))))).toEqual(series);
    expect(await colourDomain(lineSpec({ title: 'l', xTitle: 'K', yTitle: 'F1' }, series.flatMap((s) => [{ x: 0, y: 0.5, series: s, error: 0.1 }, { x: 2, y: 0.6, series: s }])))).toEqual(series);
  });

  it('draws a numeric heat map (Fig. 11) on numeric axes with round ticks and its whole legend title', async () => {
    const grid = (hi: number) => Array.from({ length: 40 }, (_, i) => (hi * i) / 39);
    const [xs, ys] = [grid(263.4), grid(231.7)];
    const cells = ys.flatMap((y) => xs.map((x) => ({ x, y, value: -((x - 100) ** 2 + (y - 80) ** 2) / 1000 })));
    const title = 'log p(x) (floored at peak - 30)';
    const svg = await renderSvg(heatmapSpec({ title: 'h', xTitle: 'a (ms)', yTitle: 'b (ms)', valueTitle: title, quantitative: true }, cells));
    for (const axis of ['X', 'Y'] as const) {
      const ls = axisLabels(svg, axis).map((l) => Number(l.text.replace(/,/g, '')));
      expect(ls.length).toBeGreaterThanOrEqual(5);
      for (const v of ls) expect(v % 10).toBe(0); // round ticks, not grid points such as 14.1 or 98.7
    }
    expect(svg).toContain(`>${title}</text>`);
  });

  it('prefixes SVG ids so that several charts can share one page', () => {
    expect(prefixSvgIds('<clipPath id="clip1"/><path clip-path="url(#clip1)"/><use href="#clip1"/>', 'x')).toBe('<clipPath id="x-clip1"/><path clip-path="url(#x-clip1)"/><use href="#x-clip1"/>');
  });

  it('thins a density grid for a heat map, keeping row-major positions', () => {
    const x = Array.from({ length: 10 }, (_, i) => i);
    const y = [0, 1];
    const values = Array.from({ length: 20 }, (_, k) => k);
    const cells = gridCells({ x, y, values }, 5);
    expect(cells).toHaveLength(10);
    expect(cells[6]).toEqual({ x: 2, y: 1, value: 12 });
  });

  it('sizes bar charts to the page: 40 bars of 10 methods with the paper\'s labels stay under 600 px', async () => {
    const methods = ['WFG-based', 'DeepLog*', 'CPD-based', 'CFG-based', 'AEVB', 'OmniAnomaly', 'Multimodal LSTM', 'TraceAnomaly', 'Hard-coded rule (ref.)', 'HSTV-3sigma (ref.)'];
    const many = ['Precision', 'Recall', 'F1', 'AUPRC'].flatMap((group) => methods.map((series, i) => ({ group, series, value: i / 10, error: 0.01 })));
    const [width] = svgSize(await renderSvg(groupedBarSpec({ title: 'Detection quality: TrainTicket (released STVs)', subtitle: 'Table II: detection on the TrainTicket testbed', yTitle: 'Score', yDomain: [0, 1] }, many)));
    expect(width).toBeLessThanOrEqual(600);
    expect(width).toBeGreaterThan(400);
  });

  it('lays text out by sans-serif widths, so that a long title does not widen a chart past its plot', async () => {
    // DejaVu Sans: 'i' is 0.28 em, 'M' 0.87 em; Vega alone takes 0.8 em for every character
    expect(textWidth('iiii', 10)).toBeCloseTo(11.2, 6);
    expect(textWidth('MMMM', 10)).toBeCloseTo(34.8, 6);
    const t = { title: 'Precision-recall curves: TrainTicket (released STVs)', subtitle: 'Table II: detection on the TrainTicket testbed, seed 1' };
    const [width] = svgSize(await renderSvg(prCurveSpec(t, [{ series: 'TraceAnomaly (AUPRC 0.997)', points: [{ recall: 0, precision: 1 }, { recall: 1, precision: 0.5 }] }])));
    // plot 420 px, its y axis and padding: about 480 px (with 0.8 em a character the title made it 620)
    expect(width).toBeLessThan(520);
  });

  it('marks each method\'s decision on its PR curve and gives its AUPRC in the legend', async () => {
    const def = { name: 'table2', title: 'Table II: detection', kind: 'detection', datasets: ['trainticket'], methods: [], seeds: [1], report: { layout: 'detection' } } as unknown as ExperimentDef;
    const curve = [{ threshold: 3, precision: 1, recall: 0.5 }, { threshold: 2, precision: 2 / 3, recall: 1 }];
    const result = { spec: { seed: 1 }, curve, metrics: { precision: 0.8, recall: 0.75, auprc: 0.91234 } } as unknown as CellResult;
    const row: AggregateRow = { dataset: 'trainticket', method: 'traceanomaly', variant: 'TraceAnomaly', options: {}, seeds: [1], status: 'ok', metrics: {}, typeCounts: {}, results: [result] };
    const pr = experimentCharts(def, [row], [])[0];
    expect(pr.name).toBe('pr-trainticket');
    const layers = (pr.spec as unknown as { layer: { data: { values: Record<string, unknown>[] } }[] }).layer;
    expect(layers[1].data.values).toEqual([{ series: 'TraceAnomaly (AUPRC 0.912)', precision: 0.8, recall: 0.75 }]);
    expect(new Set(layers[0].data.values.map((v) => v.series))).toEqual(new Set(['TraceAnomaly (AUPRC 0.912)']));
    const svg = await renderSvg(pr.spec);
    expect(svg).toContain('>TraceAnomaly (AUPRC 0.912)</text>');
    expect(svg).toContain("aria-label=\"Title text 'Precision-recall curves: TrainTicket (simulated)'\"");
    // the dot: a symbol at recall 0.75, precision 0.8 of the 420 x 300 plot
    const dot = /aria-label="Recall: 0\.75; Precision: 0\.8;[^"]*"[^>]*aria-roledescription="point" transform="translate\(([\d.]+),([\d.]+)\)"/.exec(svg);
    expect(dot).not.toBeNull();
    expect(Number(dot![1])).toBeCloseTo(0.75 * 420, 6);
    expect(Number(dot![2])).toBeCloseTo((1 - 0.8) * 300, 6);
  });

  it('scales a sweep\'s y axis to its values: recall 0.906-0.920 is not drawn on 0-1', async () => {
    const points = [1, 10, 50].map((x, i) => ({ x, y: [0.906, 0.92, 0.913][i], series: 'TraceAnomaly' }));
    expect(paddedDomain(points.map((p) => ({ lo: p.y, hi: p.y })), true).map((v) => Number(v.toFixed(4)))).toEqual([0.9046, 0.9214]);
    const ticks = axisLabels(await renderSvg(lineSpec({ title: 'Recall against L_z', xTitle: 'L_z', yTitle: 'Recall', logX: true, yShare: true }, points)), 'Y').map((l) => Number(l.text));
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    for (const v of ticks) expect(v >= 0.9 && v <= 0.925, String(v)).toBe(true);
    // a share never reaches past 1 or below 0; equal values get a little room; times below 0 not at all
    expect(paddedDomain([{ lo: 0.99, hi: 1 }], true)[1]).toBe(1);
    expect(paddedDomain([{ lo: 0.5, hi: 0.5 }])).toEqual([0.495, 0.505]);
    expect(paddedDomain([{ lo: 0, hi: 2 }])[0]).toBe(0);
  });

  it('slants category labels only when they do not fit their band (Table VI\'s dataset names)', () => {
    const angle = (groups: string[]) => {
      const spec = groupedBarSpec({ title: 'F1 per dataset', yTitle: 'F1' }, groups.flatMap((group) => ['a', 'b', 'c'].map((series) => ({ group, series, value: 0.5 }))));
      return (spec as unknown as { layer: { encoding: { x: { axis: { labelAngle: number } } } }[] }).layer[0].encoding.x.axis.labelAngle;
    };
    expect(angle(['Precision', 'Recall', 'F1', 'AUPRC'])).toBe(0);
    expect(angle(['Service-1 (synthetic)', 'Service-2 (synthetic)', 'TrainTicket (simulated)'])).toBe(0); // the chart widens for them
    expect(angle(['Service-1 (synthetic)', 'Service-2 (synthetic)', 'Service-3 (synthetic)', 'Service-4 (synthetic)', 'TrainTicket (simulated)', 'TrainTicket (released STVs)'])).toBe(-30);
  });
});
