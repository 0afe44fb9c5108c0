import { describe, expect, it } from 'vitest';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { findFont } from '../../src/reports/charts/fonts.ts';
import { prefixSvgIds, renderPng, renderSvg } from '../../src/reports/charts/render.ts';
import { groupedBarSpec, heatmapSpec, lineSpec, prCurveSpec } from '../../src/reports/charts/specs.ts';
import { gridCells } from '../../src/reports/experiment-charts.ts';
import { decodePng, darkPixels } from '../helpers/png.ts';

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
});
