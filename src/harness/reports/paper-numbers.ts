import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/util/data-root.ts';

/** One method on one dataset in a paper table; null = N/A in the paper. */
export interface PaperCell {
  precision?: number | null;
  recall?: number | null;
  perType?: Record<string, { precision: number | null; recall: number | null }>;
  trainMinutes?: number | null;
  testSeconds?: number | null;
  precisionAtK?: Record<string, number | null>;
  [other: string]: unknown;
}

export interface PaperTable {
  caption: string;
  units?: Record<string, string>;
  /** Row name (the paper's method or service name) -> column (dataset) -> numbers; Table V has flat rows. */
  rows: Record<string, Record<string, PaperCell | number>>;
}

export interface PaperNumbers {
  source: string;
  tables: Record<string, PaperTable>;
}

export const PAPER_NUMBERS_FILE = join(PROJECT_ROOT, 'experiments', 'paper-numbers.json');

let cached: PaperNumbers | undefined;

/** The published numbers of the paper's Tables II to VI (experiments/paper-numbers.json). */
export function paperNumbers(): PaperNumbers {
  cached ??= JSON.parse(readFileSync(PAPER_NUMBERS_FILE, 'utf8')) as PaperNumbers;
  return cached;
}

/**
 * The paper's numbers for a method on a dataset (a column name of the table) of a table; a table with one column
 * (II, IV: TrainTicket) gives it for any dataset. Null when the table has no such row or column.
 */
export function findPaperEntry(table: string, method: string, dataset: string | undefined): PaperCell | null {
  const row = paperNumbers().tables[table]?.rows[method];
  if (!row) return null;
  const columns = Object.keys(row);
  const key = dataset !== undefined && dataset in row ? dataset : columns.length === 1 ? columns[0] : undefined;
  if (key === undefined) return null;
  const cell = row[key];
  return typeof cell === 'object' && cell !== null ? cell : null;
}
