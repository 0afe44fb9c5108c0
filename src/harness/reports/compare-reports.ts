import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { splitCsv } from '../../lib/readers/lines.ts';
import { reviveNumbers } from '../experiments/cell-store.ts';
import type { Summary } from './summary.ts';

/**
 * Compares two reports of one experiment (a sharded run merged with --report-only against one run, on two
 * machines, ...): what they computed must be equal, to the bit; what they measured (seconds) and how they came
 * about (time stamps, which cells were reused, package versions) may differ.
 */

/** Names of measured times: summary fields and their std, table columns. */
const TIME_FIELD = /^(trainSec|testSec|fitSharedSec)$/;
const TIME_COLUMN = /(^|[ .])(trainSec|testSec|fitSharedSec)( std)?$|\((s|min)\)( std)?$/;

function withoutTimes(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (TIME_FIELD.test(k)) continue;
    out[k] = k === 'std' && v && typeof v === 'object' ? withoutTimes(v as Record<string, unknown>) : v;
  }
  return out;
}

const show = (v: unknown): string => JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));

/** Where two summary.json files differ, other than in times, time stamps, cell counts and versions. */
export function summaryDifferences(a: Summary, b: Summary): string[] {
  const out: string[] = [];
  for (const k of ['experiment', 'title', 'quick', 'seeds'] as const) if (show(a[k]) !== show(b[k])) out.push(`summary.json ${k}: ${show(a[k])} vs ${show(b[k])}`);
  const rowsA = a.rows.map((r) => withoutTimes(r));
  const rowsB = b.rows.map((r) => withoutTimes(r));
  if (rowsA.length !== rowsB.length) out.push(`summary.json: ${rowsA.length} rows vs ${rowsB.length}`);
  for (let i = 0; i < Math.min(rowsA.length, rowsB.length); i++) {
    const [x, y] = [rowsA[i], rowsB[i]];
    for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
      if (show(x[k]) !== show(y[k])) out.push(`summary.json row ${i + 1} (${String(x.label)} on ${String(x.dataset)}) ${k}: ${show(x[k])} vs ${show(y[k])}`);
    }
  }
  return out;
}

/** Where two table CSVs differ, other than in time columns. */
export function tableDifferences(name: string, a: string, b: string): string[] {
  const parse = (text: string) => text.split('\n').filter((l) => l !== '').map((l) => splitCsv(l) ?? [l]);
  const [ta, tb] = [parse(a), parse(b)];
  const header = ta[0] ?? [];
  if (show(header) !== show(tb[0] ?? [])) return [`${name}: header ${show(header)} vs ${show(tb[0] ?? [])}`];
  const keep = header.map((h) => !TIME_COLUMN.test(h));
  const out: string[] = [];
  if (ta.length !== tb.length) out.push(`${name}: ${ta.length - 1} rows vs ${tb.length - 1}`);
  for (let r = 1; r < Math.min(ta.length, tb.length); r++) {
    for (let c = 0; c < header.length; c++) if (keep[c] && ta[r][c] !== tb[r][c]) out.push(`${name} row ${r} (${ta[r][1]}) ${header[c]}: ${ta[r][c]} vs ${tb[r][c]}`);
  }
  return out;
}

/** Where the reports in two experiment folders differ: summary.json and every table CSV, times left out. */
export async function reportDifferences(dirA: string, dirB: string): Promise<string[]> {
  const summary = async (dir: string) => JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'), reviveNumbers) as Summary;
  const out = summaryDifferences(await summary(dirA), await summary(dirB));
  const csvs = async (dir: string) => (await readdir(dir)).filter((f) => /^table.*\.csv$/.test(f)).sort();
  const [ca, cb] = [await csvs(dirA), await csvs(dirB)];
  if (show(ca) !== show(cb)) out.push(`table files: ${show(ca)} vs ${show(cb)}`);
  for (const f of ca.filter((x) => cb.includes(x))) out.push(...tableDifferences(f, await readFile(join(dirA, f), 'utf8'), await readFile(join(dirB, f), 'utf8')));
  return out;
}
