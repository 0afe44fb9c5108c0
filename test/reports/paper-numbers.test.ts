import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { paperNumbers, type PaperCell } from '../../src/harness/reports/paper-numbers.ts';
import { PROJECT_ROOT } from '../../src/lib/util/data-root.ts';

const PAPER = join(PROJECT_ROOT, '..', 'shared', 'paper', 'traceanomaly-issre2020.txt');
const text = existsSync(PAPER) ? readFileSync(PAPER, 'utf8') : null;

/** The tab-separated row `name` of the table whose caption starts with `TABLE <id>:` in the paper's text. */
function paperRow(id: string, name: string): (number | null)[] {
  const start = text!.indexOf(`TABLE ${id}:`);
  const rest = text!.slice(start + 1);
  const next = rest.search(/\nTABLE [IVX]+:/);
  const block = next < 0 ? rest : rest.slice(0, next);
  const line = block.split('\n').find((l) => l.split('\t')[0].replace(/ \[\d+\]$/, '') === name);
  if (!line) throw new Error(`no row ${name} in table ${id}`);
  return line.split('\t').slice(1).map((c) => (c === 'N/A' ? null : Number(c.replace(/\(.*\)$/, ''))));
}

describe.skipIf(text === null)('experiments/paper-numbers.json', () => {
  const tables = paperNumbers().tables;

  it('has Table II as printed in the paper (overall, per type, times)', () => {
    for (const [method, byDataset] of Object.entries(tables.II.rows)) {
      const c = byDataset.TrainTicket as PaperCell;
      expect([c.precision, c.recall, c.perType!.rt.precision, c.perType!.rt.recall, c.perType!.path.precision, c.perType!.path.recall, c.trainMinutes, c.testSeconds], method).toEqual(paperRow('II', method));
    }
    expect(Object.keys(tables.II.rows)).toHaveLength(8);
  });

  it('has Tables III and VI as printed (P and R per service)', () => {
    for (const id of ['III', 'VI']) {
      for (const [method, byDataset] of Object.entries(tables[id].rows)) {
        const ours = Object.values(byDataset).flatMap((c) => [(c as PaperCell).precision, (c as PaperCell).recall]);
        expect(ours, `${id} ${method}`).toEqual(paperRow(id, method));
      }
    }
  });

  it('has Tables IV and V as printed', () => {
    for (const [method, byDataset] of Object.entries(tables.IV.rows)) {
      const p = (byDataset.TrainTicket as PaperCell).precisionAtK!;
      expect([p['1'], p['2'], p['3']], method).toEqual(paperRow('IV', method));
    }
    for (const [service, row] of Object.entries(tables.V.rows)) {
      const r = row as unknown as Record<string, number>;
      expect([r.anomalousTraces, r.internal, r.external], service).toEqual(paperRow('V', service));
      expect(r.internalLocalized).toBe(r.internal); // "successfully localizes the root causes of all 73 anomalous traces"
      expect(r.externalLocalized).toBe(r.external);
    }
  });
});
