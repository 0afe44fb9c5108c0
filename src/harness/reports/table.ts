import { csvField } from '../../lib/readers/lines.ts';
import type { MeanStd } from '../../lib/metrics/aggregate.ts';

/** One table cell: its text, and the numbers behind it for CSV. */
export interface Cell {
  text: string;
  value?: number;
  std?: number;
}

export interface Column {
  key: string;
  label: string;
  /** Header group (e.g. "Overall", "Response time anomaly"), shown above the label. */
  group?: string;
}

/** A report table: Markdown, CSV and HTML are written from this one model. */
export interface Table {
  id: string;
  title: string;
  columns: Column[];
  rows: { cells: Record<string, Cell>; kind: 'ours' | 'paper' }[];
  notes: string[];
}

export const NA: Cell = { text: 'N/A' };
export const EMPTY: Cell = { text: '' };

/** `0.953 ± 0.004` over several seeds, `0.953` for one; N/A for null (the method cannot), `-` for no value. */
export function statCell(m: MeanStd | null | undefined, digits = 3): Cell {
  if (m === null) return NA;
  if (m === undefined || Number.isNaN(m.mean)) return { text: '-' };
  const text = m.n >= 2 && Number.isFinite(m.std) ? `${m.mean.toFixed(digits)} ± ${m.std.toFixed(digits)}` : m.mean.toFixed(digits);
  return { text, value: m.mean, ...(m.n >= 2 && Number.isFinite(m.std) ? { std: m.std } : {}) };
}

/**
 * A number from the paper: N/A for null, nothing for undefined. A time keeps the paper's unit in its text
 * (`306 min`) and has its value in seconds (18360), as the column's own numbers: CSV writes the value.
 */
export function paperValueCell(v: number | null | undefined, time?: { unit: string; seconds: number }): Cell {
  if (v === null) return NA;
  if (v === undefined) return EMPTY;
  return time ? { text: `${v}${time.unit}`, value: Number((v * time.seconds).toPrecision(12)) } : { text: String(v), value: v };
}

/** Seconds with about three significant digits. */
export function secondsCell(m: MeanStd | null | undefined): Cell {
  if (!m || Number.isNaN(m.mean)) return { text: '-' };
  const f = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toPrecision(2));
  return { text: m.n >= 2 && Number.isFinite(m.std) ? `${f(m.mean)} ± ${f(m.std)}` : f(m.mean), value: m.mean, ...(m.n >= 2 && Number.isFinite(m.std) ? { std: m.std } : {}) };
}

const headerOf = (c: Column): string => (c.group ? `${c.group} ${c.label}` : c.label);
const mdEscape = (s: string): string => s.replace(/\|/g, '\\|');

export function tableMarkdown(t: Table): string {
  const lines = [`### ${t.title}`, '', `| ${t.columns.map((c) => mdEscape(headerOf(c))).join(' | ')} |`, `| ${t.columns.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
  for (const r of t.rows) {
    const cells = t.columns.map((c) => mdEscape(r.cells[c.key]?.text ?? ''));
    lines.push(`| ${(r.kind === 'paper' ? cells.map((x) => (x ? `*${x}*` : x)) : cells).join(' | ')} |`);
  }
  if (t.notes.length) lines.push('', ...t.notes.map((n) => `- ${n}`));
  return `${lines.join('\n')}\n`;
}

/**
 * CSV: a `source` column (ours / paper), then each column's numbers and their std when any row has one. A column
 * with a number in some row is numeric: its other cells are empty, or N/A where the method cannot (no units,
 * no status words); a column without numbers (method, dataset) has the cells' text.
 */
export function tableCsv(t: Table): string {
  const withStd = new Set(t.columns.filter((c) => t.rows.some((r) => r.cells[c.key]?.std !== undefined)).map((c) => c.key));
  const numeric = new Set(t.columns.filter((c) => t.rows.some((r) => r.cells[c.key]?.value !== undefined)).map((c) => c.key));
  const header = ['source', ...t.columns.flatMap((c) => (withStd.has(c.key) ? [headerOf(c), `${headerOf(c)} std`] : [headerOf(c)]))];
  const lines = [header.map(csvField).join(',')];
  for (const r of t.rows) {
    const cells: string[] = [r.kind];
    for (const c of t.columns) {
      const cell = r.cells[c.key];
      if (!numeric.has(c.key)) cells.push(cell?.text ?? '');
      else cells.push(cell?.value !== undefined ? String(cell.value) : cell?.text === NA.text ? NA.text : '');
      if (withStd.has(c.key)) cells.push(cell?.std !== undefined ? String(cell.std) : '');
    }
    lines.push(cells.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

export const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Escaped prose, with Markdown's inline code (`trainticket`, as experiment descriptions write it) as <code>. */
export const proseHtml = (s: string): string => escapeHtml(s).replace(/`([^`\n]+)`/g, '<code>$1</code>');

/** A cell's text; `mean ± std` with the std on a line of its own, so that Table II's dozen columns fit the page. */
const cellHtml = (text: string): string => {
  const [mean, std] = text.split(' ± ');
  return std === undefined ? escapeHtml(text) : `${escapeHtml(mean)}<br><span class="std">± ${escapeHtml(std)}</span>`;
};

/** An HTML table with grouped headers (colspan) like the paper's. */
export function tableHtml(t: Table): string {
  const groups: { group: string; span: number }[] = [];
  for (const c of t.columns) {
    const g = c.group ?? '';
    if (groups.length && groups[groups.length - 1].group === g) groups[groups.length - 1].span++;
    else groups.push({ group: g, span: 1 });
  }
  const hasGroups = t.columns.some((c) => c.group);
  const head = hasGroups
    ? `<tr>${groups.map((g) => `<th colspan="${g.span}">${escapeHtml(g.group)}</th>`).join('')}</tr><tr>${t.columns.map((c) => `<th>${escapeHtml(c.label)}</th>`).join('')}</tr>`
    : `<tr>${t.columns.map((c) => `<th>${escapeHtml(c.label)}</th>`).join('')}</tr>`;
  const body = t.rows.map((r) => `<tr class="${r.kind}">${t.columns.map((c) => `<td>${cellHtml(r.cells[c.key]?.text ?? '')}</td>`).join('')}</tr>`).join('\n');
  const notes = t.notes.length ? `<ul class="notes">${t.notes.map((n) => `<li>${proseHtml(n)}</li>`).join('')}</ul>` : '';
  return `<table id="${escapeHtml(t.id)}"><caption>${escapeHtml(t.title)}</caption><thead>${head}</thead><tbody>\n${body}\n</tbody></table>${notes}`;
}
