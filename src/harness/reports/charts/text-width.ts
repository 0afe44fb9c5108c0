/**
 * Text widths for chart layout without a canvas. Vega measures text with a canvas when it has one and else
 * estimates 0.8 em a character, which lays a 50-character title out 1.4 times as wide as a sans-serif draws it
 * and so makes charts wider than their plots. These are the advance widths of DejaVu Sans (the font PNG
 * rendering prefers, and Linux browsers' usual sans-serif), in em, rounded up a little; wider faces (Arial and
 * Helvetica are narrower) then still fit.
 */
const EM: Record<string, number> = {
  ' ': 0.32, '.': 0.32, ',': 0.32, ':': 0.34, ';': 0.34, '!': 0.4, "'": 0.28, '"': 0.46, '(': 0.4, ')': 0.4, '[': 0.4, ']': 0.4,
  '-': 0.37, '_': 0.5, '/': 0.34, '|': 0.34, '*': 0.5, '+': 0.84, '=': 0.84, '<': 0.84, '>': 0.84, '±': 0.84, '%': 0.95, '@': 1, '#': 0.84,
  '†': 0.5, '…': 1, '·': 0.32, 'α': 0.66,
  a: 0.62, b: 0.64, c: 0.55, d: 0.64, e: 0.62, f: 0.36, g: 0.64, h: 0.64, i: 0.28, j: 0.28, k: 0.58, l: 0.28, m: 0.98,
  n: 0.64, o: 0.62, p: 0.64, q: 0.64, r: 0.42, s: 0.53, t: 0.4, u: 0.64, v: 0.6, w: 0.82, x: 0.6, y: 0.6, z: 0.53,
  A: 0.69, B: 0.69, C: 0.7, D: 0.77, E: 0.64, F: 0.58, G: 0.78, H: 0.76, I: 0.3, J: 0.3, K: 0.66, L: 0.56, M: 0.87,
  N: 0.75, O: 0.79, P: 0.61, Q: 0.79, R: 0.7, S: 0.64, T: 0.62, U: 0.74, V: 0.69, W: 0.99, X: 0.69, Y: 0.62, Z: 0.69,
};
const DIGIT = 0.64;
const OTHER = 0.7;
/** DejaVu Sans Bold is about this much wider. */
const BOLD = 1.13;

/** Width in px of one line of text at `fontSize` px. */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const ch of text) em += EM[ch] ?? (ch >= '0' && ch <= '9' ? DIGIT : OTHER);
  return em * fontSize * (bold ? BOLD : 1);
}

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}

/**
 * Vega's `textMetrics.width` (item, line): the line's width in the item's font size and weight; a line Vega
 * cuts at `limit` counts as `limit` wide (Vega cuts it by calling this very function, so it cannot cut here).
 */
export function vegaTextWidth(item: TextItem, text: unknown): number {
  const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
  const weight = item.fontWeight;
  const bold = weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
  const w = textWidth(text == null ? '' : String(text).trim(), size, bold);
  return item.limit && item.limit > 0 ? Math.min(w, item.limit) : w;
}
