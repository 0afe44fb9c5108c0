import { describe, expect, it } from 'vitest';
import { summaryDifferences, tableDifferences } from '../../src/harness/reports/compare-reports.ts';
import type { Summary } from '../../src/harness/reports/summary.ts';

const summary = (over: Record<string, unknown> = {}, std: Record<string, number | null> = {}): Summary => ({
  experiment: 'x', title: 'X', quick: true, seeds: [1, 2], generatedAt: '2026-01-01T00:00:00Z',
  cells: { total: 2, reused: 0, computed: 2, failed: 0, notApplicable: 0, missing: 0, reusedKeys: [] }, versions: { node: 'v20' },
  rows: [{ method: 'm', label: 'M', dataset: 'd', options: {}, seeds: [1, 2], status: 'ok', f1: 0.5, trainSec: 1, testSec: 2, std: { f1: 0.1, trainSec: 0.3, ...std }, ...over }],
});

describe('comparing two reports, times aside', () => {
  it('ignores times, time stamps, cell counts and versions; reports any other difference', () => {
    const other = { ...summary({ trainSec: 9, testSec: 8 }, { trainSec: 7 }), generatedAt: 'later', versions: { node: 'v22' }, cells: { ...summary().cells, reused: 2, computed: 0 } };
    expect(summaryDifferences(summary(), other)).toEqual([]);
    expect(summaryDifferences(summary(), summary({ f1: 0.5000000000000001 }))).toEqual(['summary.json row 1 (M on d) f1: 0.5 vs 0.5000000000000001']);
    expect(summaryDifferences(summary(), summary({}, { f1: 0.2 }))).toEqual(['summary.json row 1 (M on d) std: {"f1":0.1} vs {"f1":0.2}']);
    expect(summaryDifferences(summary(), { ...summary(), seeds: [1] })).toEqual(['summary.json seeds: [1,2] vs [1]']);
  });

  it('compares table CSVs cell by cell except the time columns', () => {
    const a = 'source,Method,F1,F1 std,Train (s),Test (s),testSec\nours,"M, v2",0.5,0.1,10,2,3\n';
    expect(tableDifferences('t.csv', a, 'source,Method,F1,F1 std,Train (s),Test (s),testSec\nours,"M, v2",0.5,0.1,99,98,97\n')).toEqual([]);
    expect(tableDifferences('t.csv', a, 'source,Method,F1,F1 std,Train (s),Test (s),testSec\nours,"M, v2",0.6,0.1,10,2,3\n')).toEqual(['t.csv row 1 (M, v2) F1: 0.5 vs 0.6']);
    expect(tableDifferences('t.csv', a, `${a}ours,N,1,0,1,1,1\n`)).toEqual(['t.csv: 1 rows vs 2']);
  });
});
