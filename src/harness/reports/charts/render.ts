import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { findFont, type FontChoice } from './fonts.ts';
import { vegaTextWidth } from './text-width.ts';

// Vega lays text out by this width when it has no canvas (as here): sans-serif widths, not 0.8 em a character
(vega as unknown as { textMetrics: { width: typeof vegaTextWidth } }).textMetrics.width = vegaTextWidth;

/** Compiles a Vega-Lite spec and renders it to SVG with Vega's headless view (no canvas needed). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Rasterises an SVG to PNG with resvg, loading the font of `findFont()` explicitly and mapping every generic
 * family (sans-serif, serif, monospace) and unknown family to it, so that no text silently disappears.
 */
export function renderPng(svg: string, opts: { scale?: number; font?: FontChoice } = {}): { png: Buffer; width: number; height: number; pixels: Buffer } {
  const font = opts.font ?? findFont();
  const family = font.family;
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: opts.scale ?? 2 },
    font: family
      ? { fontFiles: font.files, loadSystemFonts: false, defaultFontFamily: family, sansSerifFamily: family, serifFamily: family, monospaceFamily: family }
      : { loadSystemFonts: true },
  });
  const img = resvg.render();
  return { png: img.asPng(), width: img.width, height: img.height, pixels: img.pixels };
}

/** Makes the ids of an SVG unique (`clip1` -> `<prefix>-clip1`), so that several can be inlined in one page. */
export function prefixSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`);
}
