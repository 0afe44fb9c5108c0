import { describe, expect, it } from 'vitest';
import type { AggregateRow } from '../../src/harness/experiments/aggregate-cells.ts';
import type { ExperimentDef } from '../../src/harness/experiments/definition.ts';
import { byDatasetTable, detectionTables, metricsTable, rankingTable, rootCauseTable } from '../../src/harness/reports/layouts.ts';
import { datasetLabel, metricLabel, variantText } from '../../src/harness/reports/labels.ts';
import { summaryRow } from '../../src/harness/reports/summary.ts';
import { statCell, tableCsv, tableHtml, tableMarkdown } from '../../src/harness/reports/table.ts';

const ms = (mean: number, std = NaN, n = 1) => ({ mean, std, n });

function row(over: Partial<AggregateRow>): AggregateRow {
  return { dataset: 'sim', method: 'm', variant: 'm', options: {}, seeds: [1], status: 'ok', metrics: {}, typeCounts: {}, results: [], ...over };
}

const def = (over: Partial<ExperimentDef['report']> = {}): ExperimentDef => ({
  name: 'table2', title: 'Table II', kind: 'detection', datasets: ['sim'], methods: ['ta', 'cpd'], seeds: [1],
  report: { layout: 'detection', paper: { table: 'II', methods: { ta: 'TraceAnomaly', cpd: 'CPD-based' }, datasets: { sim: 'TrainTicket' } }, ...over },
});

const ta = row({
  method: 'ta', variant: 'ta', seeds: [1, 2, 3],
  metrics: { precision: ms(0.95, 0.01, 3), recall: ms(0.9, 0.02, 3), f1: ms(0.924, 0.01, 3), auprc: ms(0.97, 0.005, 3), bestF1: ms(0.96, 0.01, 3), 'rt.precision': null, 'rt.recall': ms(0.8, 0.1, 3), 'path.precision': null, 'path.recall': ms(1, 0, 3), trainSec: ms(12.3456, 1, 3), testSec: ms(0.5, 0.1, 3) },
  typeCounts: { rt: 10, path: 12 },
});
const cpd = row({ method: 'cpd', variant: 'cpd', status: 'not-applicable', reason: 'the method needs raw traces; dataset sim has STVs only' });

describe('Table II layout', () => {
  const [t] = detectionTables(def(), [ta, cpd]);

  it('has the paper columns: overall, rt, path, times (plus F1, AUPRC and the oracle best-F1)', () => {
    expect(t.columns.map((c) => `${c.group ?? ''}/${c.label}`)).toEqual([
      '/Method', 'Overall/P', 'Overall/R', 'Overall/F1', 'Overall/AUPRC', 'Overall/best-F1†',
      'Response time anomaly/P', 'Response time anomaly/R', 'Invocation path anomaly/P', 'Invocation path anomaly/R', '/Train (s)', '/Test (s)',
    ]);
  });

  it('shows mean ± std, N/A where a method cannot, and the paper row under ours', () => {
    // a method the experiment gives no label shows by its paper name (src/harness/reports/labels.ts)
    expect(t.rows.map((r) => r.cells.method.text)).toEqual(['ta', 'paper: TraceAnomaly', 'CPD-based', 'paper: CPD-based']);
    const [ours, paper, na, paperCpd] = t.rows;
    expect(ours.cells.precision.text).toBe('0.950 ± 0.010');
    expect(ours.cells['rt.precision'].text).toBe('N/A');
    expect(ours.cells['path.recall'].text).toBe('1.000 ± 0.000');
    expect(ours.cells.trainSec.text).toBe('12.35 ± 1.00');
    expect([paper.cells.precision.text, paper.cells.recall.text, paper.cells['rt.precision'].text, paper.cells['path.recall'].text, paper.cells.trainSec.text, paper.cells.testSec.text]).toEqual(['0.98', '0.97', 'N/A', '0.99', '94 min', '19 s']);
    expect(na.cells.precision.text).toBe('N/A');
    expect([paperCpd.cells['rt.recall'].text, paperCpd.cells['path.recall'].text]).toEqual(['N/A', '1']);
    expect(t.notes.join('\n')).toMatch(/oracle/);
    expect(t.notes.join('\n')).toMatch(/CPD-based on sim: N\/A, the method needs raw traces/);
    expect(t.notes.join('\n')).toMatch(/mean ± sample standard deviation over 3 seeds/);
  });

  it('writes Markdown (paper rows in italics), CSV (numbers only in numeric columns, the paper\'s times in seconds) and HTML with grouped headers', () => {
    const md = tableMarkdown(t);
    expect(md).toContain('| ta | 0.950 ± 0.010 | 0.900 ± 0.020 |');
    expect(md).toContain('| *paper: TraceAnomaly* | *0.98* | *0.97* |');
    const csv = tableCsv(t).split('\n');
    expect(csv[0].startsWith('source,Method,Overall P,Overall P std,Overall R,Overall R std')).toBe(true);
    expect(csv[1].startsWith('ours,ta,0.95,0.01,0.9,0.02')).toBe(true);
    // the paper's 94 min of training and 19 s of test, in the seconds of the columns' headers
    const header = csv[0].split(',');
    const paperRow = csv[2].split(',');
    expect(paperRow[header.indexOf('Train (s)')]).toBe('5640');
    expect(paperRow[header.indexOf('Test (s)')]).toBe('19');
    // every column after Method holds numbers, N/A (the method cannot) or nothing: no units, no status words
    for (const line of csv.slice(1, -1)) for (const v of line.split(',').slice(2)) expect(v === '' || v === 'N/A' || Number.isFinite(Number(v)), `${v} in ${line}`).toBe(true);
    expect(csv[3].split(',').slice(2).filter((v) => v !== '')).toEqual(Array(11).fill('N/A'));
    const html = tableHtml(t);
    expect(html).toContain('<th colspan="5">Overall</th>');
    expect(html).toContain('<tr class="paper">');
    // the std under the mean, so that a dozen columns of 'a ± b' fit the page
    expect(html).toContain('<td>0.950<br><span class="std">± 0.010</span></td>');
  });
});

describe('other layouts', () => {
  it('Tables III/VI: P/R/F1 per dataset, the paper beside', () => {
    const d: ExperimentDef = { ...def(), name: 'table6', report: { layout: 'by-dataset', paper: { table: 'VI', methods: { gmm: 'TraceAnomaly with GMM' }, datasets: { s1: 'Service-1', s2: 'TrainTicket' } } } };
    const rows = [row({ method: 'gmm', variant: 'gmm', dataset: 's1', metrics: { precision: ms(0.5), recall: ms(0.25), f1: ms(1 / 3) } }), row({ method: 'gmm', variant: 'gmm', dataset: 's2', metrics: { precision: ms(1), recall: ms(1), f1: ms(1) } })];
    const t = byDatasetTable(d, rows);
    expect(t.columns.map((c) => c.key)).toEqual(['method', 's1:precision', 's1:recall', 's1:f1', 's2:precision', 's2:recall', 's2:f1']);
    expect(t.rows[0].cells['s1:f1'].text).toBe('0.333');
    expect(t.rows[1].cells['s1:precision'].text).toBe('0.7');
    expect(t.rows[1].cells['s2:recall'].text).toBe('0.85');
  });

  it('Table IV: Precision@K with N/A beyond P@1 for a method that does not rank', () => {
    const d: ExperimentDef = { ...def(), name: 'table4', kind: 'localization', report: { layout: 'ranking', paper: { table: 'IV', methods: { ta: 'TraceAnomaly' } } } };
    const t = rankingTable(d, [row({ method: 'ta', variant: 'ta', metrics: { 'p@1': ms(0.9), 'p@2': null, 'p@3': null } })]);
    expect(t.rows.map((r) => ['p@1', 'p@2', 'p@3'].map((k) => r.cells[`sim:${k}`].text))).toEqual([['0.900', 'N/A', 'N/A'], ['0.99', 'N/A', 'N/A']]);
    expect(t.columns.map((c) => c.label)).toEqual(['Method', 'P@1', 'P@2', 'P@3']);
  });

  it('Table IV: P@K against the root-cause dimension beside, N/A for methods that rank services only', () => {
    const d: ExperimentDef = { ...def(), name: 'table4', kind: 'localization', report: { layout: 'ranking', ks: [1, 2] } };
    const t = rankingTable(d, [
      row({ method: 'ta', variant: 'ta', metrics: { 'p@1': ms(0.9), 'p@2': ms(0.95), 'dimension.p@1': ms(0.8), 'dimension.p@2': ms(0.85) } }),
      row({ method: 'mr', variant: 'mr', metrics: { 'p@1': ms(0.3), 'p@2': ms(0.5) } }),
    ]);
    expect(t.columns.map((c) => c.label)).toEqual(['Method', 'P@1', 'P@2', 'P@1 (dim.)', 'P@2 (dim.)']);
    expect(t.rows.map((r) => t.columns.map((c) => r.cells[c.key].text))).toEqual([['ta', '0.900', '0.950', '0.800', '0.850'], ['mr', '0.300', '0.500', 'N/A', 'N/A']]);
    expect(t.notes.join('\n')).toMatch(/root-cause STV dimension/);
  });

  it('Table V: anomalous traces, internal and external root causes with the localised ones, the paper row per service', () => {
    const d: ExperimentDef = { ...def(), name: 'table5', kind: 'localization', datasets: ['svc1', 'svc2'], report: { layout: 'root-causes', paper: { table: 'V', datasets: { svc2: 'Service-2' } } } };
    const counts = (i: number, il: number, e: number, el: number) => ({ 'internal.cases': ms(i), 'internal.localized': ms(il), 'external.cases': ms(e), 'external.localized': ms(el) });
    const t = rootCauseTable(d, [
      row({ dataset: 'svc1', method: 'ta', variant: 'ta', metrics: counts(18, 17, 0, 0) }),
      row({ dataset: 'svc2', method: 'ta', variant: 'ta', metrics: counts(6, 6, 2, 1.5) }),
    ]);
    expect(t.rows.map((r) => t.columns.map((c) => r.cells[c.key].text))).toEqual([
      ['svc1', 'ta', '18', '18 (17)', '0 (0)'],
      ['svc2', 'ta', '8', '6 (6)', '2 (1.5)'],
      ['paper: Service-2', 'TraceAnomaly', '8', '6 (6)', '2 (2)'],
    ]);
  });
});

describe('labels', () => {
  const sweep: ExperimentDef = {
    name: 'ablation-samples', title: 'Ablation', kind: 'detection', datasets: ['trainticket-released'], methods: [{ method: 'traceanomaly', label: 'TraceAnomaly' }], seeds: [1],
    grid: { samples: [1, 10] }, quick: { grid: { samples: [1] } }, report: { layout: 'sweep', x: 'samples', metrics: ['auprc', 'testSec', 'recallAtFpr0.01', 'someValue'] },
  };
  const lz = (n: number) => row({ dataset: 'trainticket-released', method: 'traceanomaly', variant: `TraceAnomaly samples=${n}`, options: { samples: n, maxEpochs: 5 }, metrics: { auprc: ms(0.9), testSec: ms(1.5), 'recallAtFpr0.01': ms(0.5), someValue: ms(2) } });

  it('name a sweep\'s variants by the option\'s symbol, and leave the swept one out where asked', () => {
    expect(variantText(sweep, lz(10))).toBe('TraceAnomaly L_z=10');
    expect(variantText(sweep, lz(10), 'samples')).toBe('TraceAnomaly');
    // a method without a label: its paper name; an unknown method: its name
    expect(variantText(sweep, { method: 'traceanomaly', variant: 'traceanomaly samples=1', options: { samples: 1 } })).toBe('TraceAnomaly L_z=1');
    expect(variantText({ ...sweep, grid: undefined, quick: undefined }, { method: 'my-method', variant: 'my-method', options: {} })).toBe('my-method');
  });

  it('head a sweep table\'s columns and rows with labels, not keys', () => {
    const t = metricsTable(sweep, [lz(1), lz(10)], sweep.report.metrics!);
    expect(t.columns.map((c) => c.label)).toEqual(['Method', 'AUPRC', 'Test time (s)', 'Recall at FPR 0.01', 'someValue']);
    expect(t.rows.map((r) => r.cells.method.text)).toEqual(['TraceAnomaly L_z=1', 'TraceAnomaly L_z=10']);
    // seconds keep the seconds format, other numbers four digits
    expect([t.rows[0].cells.testSec.text, t.rows[0].cells.auprc.text]).toEqual(['1.50', '0.9000']);
  });

  it('name datasets, metrics per type and P@K', () => {
    expect(datasetLabel('trainticket')).toBe('TrainTicket (simulated)');
    expect(datasetLabel('my-data')).toBe('my-data');
    expect(metricLabel('rt.recall')).toMatchObject({ label: 'Response time anomaly: recall', short: 'R', share: true });
    expect(metricLabel('dimension.p@2').short).toBe('P@2 (dim.)');
    // every time column ends in (s): compare-reports leaves such columns out
    for (const k of ['trainSec', 'testSec', 'fitSharedSec']) expect(metricLabel(k).label).toMatch(/\(s\)$/);
  });

  it('put dataset labels over the per-dataset columns of Tables III and VI', () => {
    const d: ExperimentDef = { ...def(), name: 'table3', datasets: ['service-1', 'trainticket'], report: { layout: 'by-dataset' } };
    const t = byDatasetTable(d, [row({ dataset: 'service-1', metrics: { precision: ms(1), recall: ms(1), f1: ms(1) } }), row({ dataset: 'trainticket', metrics: { precision: ms(1), recall: ms(1), f1: ms(1) } })]);
    expect([...new Set(t.columns.slice(1).map((c) => c.group))]).toEqual(['Service-1 (synthetic)', 'TrainTicket (simulated)']);
  });
});

describe('summary.json rows', () => {
  it('carry method, dataset, precision, recall, f1, auprc, per type and std', () => {
    const s = summaryRow(ta);
    expect(s).toMatchObject({ method: 'ta', label: 'ta', dataset: 'sim', precision: 0.95, recall: 0.9, f1: 0.924, auprc: 0.97, bestF1: 0.96, trainSec: 12.3456, status: 'ok' });
    expect(s.perType).toEqual({ rt: { count: 10, precision: null, recall: 0.8 }, path: { count: 12, precision: null, recall: 1 } });
    expect(s.std.precision).toBe(0.01);
    expect(summaryRow(row({ metrics: { 'p@1': ms(0.5) } })).precisionAtK).toEqual({ 1: 0.5 });
  });

  it('format one seed without ±, missing values as -', () => {
    expect(statCell(ms(0.5)).text).toBe('0.500');
    expect(statCell(ms(NaN)).text).toBe('-');
    expect(statCell(null).text).toBe('N/A');
  });
});
