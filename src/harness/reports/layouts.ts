import type { ExperimentDef } from '../experiments/definition.ts';
import type { AggregateRow } from '../experiments/aggregate-cells.ts';
import type { MeanStd } from '../../lib/metrics/aggregate.ts';
import { findPaperEntry, paperNumbers, type PaperCell } from './paper-numbers.ts';
import { anomalyTypeLabel, anomalyTypeOrder, datasetLabel, metricLabel, variantText } from './labels.ts';
import { EMPTY, NA, paperValueCell, secondsCell, statCell, type Cell, type Column, type Table } from './table.ts';

const unique = <T>(xs: T[]): T[] => [...new Set(xs)];

export const NOTE_STD = (rows: AggregateRow[]): string | null => {
  const n = Math.max(...rows.map((r) => r.seeds.length));
  return n >= 2 ? `a ± b: mean ± sample standard deviation over ${n} seeds.` : null;
};
export const NOTE_ORACLE = 'best-F1† is an oracle operating point: the best threshold chosen on the test labels, which no deployed detector has; P, R and F1 are at the threshold each method chose without labels.';
export const NOTE_NA = 'N/A: the method cannot detect this type (recall), or does not name the type of what it flags (precision), as in the paper.';

/** Whether a row has no numbers to show: N/A, failed or missing. */
const noNumbers = (row: AggregateRow): boolean => row.status !== 'ok' && row.status !== 'partial';

/** What a row without numbers shows in their place. */
const statusText = (row: AggregateRow): string => (row.status === 'not-applicable' ? 'N/A' : row.status);

/** Status text for rows that have no numbers. */
function statusCells(row: AggregateRow, columns: Column[]): Record<string, Cell> | null {
  if (!noNumbers(row)) return null;
  return Object.fromEntries(columns.slice(1).map((c) => [c.key, { text: statusText(row) }]));
}

function paperName(def: ExperimentDef, row: AggregateRow): string | undefined {
  return def.report.paper?.methods?.[row.method] ?? def.report.paper?.methods?.[row.variant];
}

function paperEntry(def: ExperimentDef, row: AggregateRow, dataset?: string): { name: string; cell: PaperCell } | null {
  const p = def.report.paper;
  const name = paperName(def, row);
  if (!p || !name) return null;
  const cell = findPaperEntry(p.table, name, p.datasets?.[dataset ?? row.dataset] ?? dataset);
  return cell ? { name, cell } : null;
}

function reasons(def: ExperimentDef, rows: AggregateRow[]): string[] {
  const why: Partial<Record<AggregateRow['status'], (r: AggregateRow) => string>> = {
    'not-applicable': (r) => `N/A, ${r.reason}.`,
    failed: () => 'every seed failed (see the run log).',
    missing: () => 'no cell is on disk yet (a shard that has not run or not finished).',
    partial: () => 'some seeds failed or are not on disk yet; the numbers are over the others.',
  };
  return rows.filter((r) => why[r.status]).map((r) => `${variantText(def, r)} on ${datasetLabel(r.dataset)}: ${why[r.status]!(r)}`);
}

function paperNotes(def: ExperimentDef): string[] {
  const p = def.report.paper;
  if (!p) return [];
  const t = paperNumbers().tables[p.table];
  return [`Rows in italics: the paper's Table ${p.table} (${paperNumbers().source.split(',')[0]}, ISSRE 2020), the row named after "paper:".`, ...(t?.units ? [`Paper times: ${Object.values(t.units).join('; ')}, on the authors' hardware: not comparable with ours.`] : [])];
}

const m = (row: AggregateRow, key: string): MeanStd | null | undefined => row.metrics[key];

/** Paper Table II: one table per dataset, overall P/R/F1, AUPRC, best-F1, P/R per anomaly type, times. */
export function detectionTables(def: ExperimentDef, rows: AggregateRow[]): Table[] {
  return unique(rows.map((r) => r.dataset)).map((dataset) => {
    const rs = rows.filter((r) => r.dataset === dataset);
    const types = unique(rs.flatMap((r) => Object.keys(r.typeCounts))).sort(anomalyTypeOrder);
    const column = (key: string, group?: string): Column => ({ key, label: metricLabel(key).short, ...(group ? { group } : {}) });
    const columns: Column[] = [
      { key: 'method', label: 'Method' },
      ...['precision', 'recall', 'f1', 'auprc', 'bestF1'].map((k) => column(k, 'Overall')),
      ...types.flatMap((t) => [column(`${t}.precision`, anomalyTypeLabel(t)), column(`${t}.recall`, anomalyTypeLabel(t))]),
      column('trainSec'),
      column('testSec'),
    ];
    const out: Table['rows'] = [];
    for (const row of rs) {
      const cells: Record<string, Cell> = { method: { text: variantText(def, row) } };
      Object.assign(cells, statusCells(row, columns) ?? {
        ...Object.fromEntries(['precision', 'recall', 'f1', 'auprc', 'bestF1'].map((k) => [k, statCell(m(row, k))])),
        ...Object.fromEntries(types.flatMap((t) => [`${t}.precision`, `${t}.recall`].map((k) => [k, k in row.metrics ? statCell(m(row, k)) : NA]))),
        trainSec: secondsCell(m(row, 'trainSec')),
        testSec: secondsCell(m(row, 'testSec')),
      });
      out.push({ kind: 'ours', cells });
      const paper = paperEntry(def, row, dataset);
      if (paper) {
        const c = paper.cell;
        out.push({
          kind: 'paper',
          cells: {
            method: { text: `paper: ${paper.name}` },
            precision: paperValueCell(c.precision),
            recall: paperValueCell(c.recall),
            ...Object.fromEntries(types.flatMap((t) => [[`${t}.precision`, paperValueCell(c.perType?.[t]?.precision)], [`${t}.recall`, paperValueCell(c.perType?.[t]?.recall)]])),
            trainSec: paperValueCell(c.trainMinutes, { unit: ' min', seconds: 60 }),
            testSec: paperValueCell(c.testSeconds, { unit: ' s', seconds: 1 }),
          },
        });
      }
    }
    const counts = types.map((t) => `${anomalyTypeLabel(t).toLowerCase()}: ${rs.find((r) => r.typeCounts[t] !== undefined)?.typeCounts[t] ?? 0}`).join(', ');
    const notes = [
      NOTE_STD(rs),
      NOTE_ORACLE,
      NOTE_NA,
      types.length ? `Anomalous test traces per type (first seed): ${counts}.` : null,
      'Times: wall-clock seconds of fit (Train) and of score + decide (Test) on this machine.',
      ...paperNotes(def),
      ...reasons(def, rs),
    ].filter((n): n is string => n !== null);
    return { id: `${def.name}-${dataset}`, title: `${def.title}: ${datasetLabel(dataset)}`, columns, rows: out, notes };
  });
}

/** Paper Tables III and VI: one row per method, P/R/F1 per dataset. */
export function byDatasetTable(def: ExperimentDef, rows: AggregateRow[]): Table {
  const datasets = unique(rows.map((r) => r.dataset));
  const variants = unique(rows.map((r) => r.variant));
  const columns: Column[] = [{ key: 'method', label: 'Method' }, ...datasets.flatMap((d) => ['precision', 'recall', 'f1'].map((k) => ({ key: `${d}:${k}`, label: metricLabel(k).short, group: datasetLabel(d) })))];
  const out: Table['rows'] = [];
  for (const v of variants) {
    const cells: Record<string, Cell> = { method: { text: variantText(def, rows.find((r) => r.variant === v)!) } };
    const paperCells: Record<string, Cell> = {};
    let paperRow: string | undefined;
    for (const d of datasets) {
      const row = rows.find((r) => r.variant === v && r.dataset === d);
      for (const k of ['precision', 'recall', 'f1']) {
        cells[`${d}:${k}`] = !row ? EMPTY : row.status === 'not-applicable' ? NA : noNumbers(row) ? { text: statusText(row) } : statCell(m(row, k));
      }
      const paper = row ? paperEntry(def, row, d) : null;
      if (paper) {
        paperRow = paper.name;
        paperCells[`${d}:precision`] = paperValueCell(paper.cell.precision);
        paperCells[`${d}:recall`] = paperValueCell(paper.cell.recall);
      }
    }
    out.push({ kind: 'ours', cells });
    if (paperRow) out.push({ kind: 'paper', cells: { method: { text: `paper: ${paperRow}` }, ...paperCells } });
  }
  const notes = [NOTE_STD(rows), ...paperNotes(def), ...reasons(def, rows)].filter((n): n is string => n !== null);
  return { id: def.name, title: def.title, columns, rows: out, notes };
}

/** Paper Table IV: Precision@K per method (and dataset). */
export function rankingTable(def: ExperimentDef, rows: AggregateRow[]): Table {
  const ks = def.report.ks ?? [1, 2, 3];
  const datasets = unique(rows.map((r) => r.dataset));
  const many = datasets.length > 1;
  // P@K against the root-cause dimension, for methods that name call paths (TraceAnomaly) on labels that name dimensions
  const dims = rows.some((r) => Object.keys(r.metrics).some((k) => k.startsWith('dimension.p@')));
  const names = [...ks.map((k) => `p@${k}`), ...(dims ? ks.map((k) => `dimension.p@${k}`) : [])].map((key) => ({ key, label: metricLabel(key).short }));
  const columns: Column[] = [{ key: 'method', label: 'Method' }, ...datasets.flatMap((d) => names.map((n) => ({ key: `${d}:${n.key}`, label: n.label, ...(many ? { group: datasetLabel(d) } : {}) })))];
  const out: Table['rows'] = [];
  for (const v of unique(rows.map((r) => r.variant))) {
    const cells: Record<string, Cell> = { method: { text: variantText(def, rows.find((r) => r.variant === v)!) } };
    const paperCells: Record<string, Cell> = {};
    let paperRow: string | undefined;
    for (const d of datasets) {
      const row = rows.find((r) => r.variant === v && r.dataset === d);
      for (const n of names) cells[`${d}:${n.key}`] = !row ? EMPTY : row.status === 'not-applicable' ? NA : n.key.startsWith('dimension.') && !(n.key in row.metrics) ? NA : statCell(m(row, n.key));
      const paper = row ? paperEntry(def, row, d) : null;
      if (paper) {
        paperRow = paper.name;
        for (const k of ks) paperCells[`${d}:p@${k}`] = paperValueCell(paper.cell.precisionAtK?.[String(k)]);
      }
    }
    out.push({ kind: 'ours', cells });
    if (paperRow) out.push({ kind: 'paper', cells: { method: { text: `paper: ${paperRow}` }, ...paperCells } });
  }
  const notes = [
    NOTE_STD(rows),
    'P@K: the chance that the top K candidates hold the root cause, candidates tied in score ordered at random (expected value); N/A for K > 1 when a method returns a single candidate (no ranking). Scored against the injected service (rankings collapsed to one candidate per service).',
    ...(dims ? ['P@K (dim.): against the root-cause STV dimension (service + call path), over the anomalies whose label names one (rt faults); N/A for methods that rank services only.'] : []),
    ...paperNotes(def),
    ...reasons(def, rows),
  ].filter((n): n is string => n !== null);
  return { id: def.name, title: def.title, columns, rows: out, notes };
}

/**
 * Paper Table V: per dataset (service) and method, the anomalous traces with a root cause, and those in internal
 * microservices and external services with how many the top candidate localised, as `n (localised)`.
 */
export function rootCauseTable(def: ExperimentDef, rows: AggregateRow[]): Table {
  const columns: Column[] = [
    { key: 'dataset', label: 'Service' },
    { key: 'method', label: 'Method' },
    { key: 'cases', label: '#anomalous traces' },
    { key: 'internal', label: 'internal microservice (localised)' },
    { key: 'external', label: 'external service (localised)' },
  ];
  const count = (x: MeanStd | null | undefined): string => (x ? (Number.isInteger(x.mean) ? String(x.mean) : x.mean.toFixed(1)) : '-');
  const pair = (row: AggregateRow, part: string): Cell => {
    const n = m(row, `${part}.cases`);
    return { text: `${count(n)} (${count(m(row, `${part}.localized`))})`, ...(n ? { value: n.mean } : {}) };
  };
  const out: Table['rows'] = [];
  for (const d of unique(rows.map((r) => r.dataset))) {
    for (const row of rows.filter((r) => r.dataset === d)) {
      const cells: Record<string, Cell> = { dataset: { text: datasetLabel(d) }, method: { text: variantText(def, row) } };
      if (noNumbers(row)) Object.assign(cells, { cases: { text: statusText(row) }, internal: EMPTY, external: EMPTY });
      else {
        const cases = (m(row, 'internal.cases')?.mean ?? 0) + (m(row, 'external.cases')?.mean ?? 0);
        Object.assign(cells, { cases: { text: count({ mean: cases, std: NaN, n: 1 }), value: cases }, internal: pair(row, 'internal'), external: pair(row, 'external') });
      }
      out.push({ kind: 'ours', cells });
    }
    const name = def.report.paper?.datasets?.[d];
    const paper = def.report.paper && name ? (paperNumbers().tables[def.report.paper.table]?.rows[name] as Record<string, number> | undefined) : undefined;
    if (paper && typeof paper.anomalousTraces === 'number') {
      out.push({
        kind: 'paper',
        cells: {
          dataset: { text: `paper: ${name}` },
          method: { text: 'TraceAnomaly' },
          cases: { text: String(paper.anomalousTraces), value: paper.anomalousTraces },
          internal: { text: `${paper.internal} (${paper.internalLocalized})` },
          external: { text: `${paper.external} (${paper.externalLocalized})` },
        },
      });
    }
  }
  const notes = [
    NOTE_STD(rows),
    'Localised: the top candidate names the root cause\'s microservice (for an external service, the microservice that calls it as the label names it, or the external service); means over seeds, expected counts when candidates tie.',
    ...paperNotes(def),
    ...reasons(def, rows),
  ].filter((n): n is string => n !== null);
  return { id: def.name, title: def.title, columns, rows: out, notes };
}

/** Ablations and task cells: one row per variant and dataset, a column per metric. */
export function metricsTable(def: ExperimentDef, rows: AggregateRow[], metrics: string[]): Table {
  const many = unique(rows.map((r) => r.dataset)).length > 1;
  const columns: Column[] = [{ key: 'method', label: 'Method' }, ...(many ? [{ key: 'dataset', label: 'Dataset' }] : []), ...metrics.map((k) => ({ key: k, label: metricLabel(k).label }))];
  const out: Table['rows'] = rows.map((row) => ({
    kind: 'ours' as const,
    cells: {
      method: { text: variantText(def, row) },
      dataset: { text: datasetLabel(row.dataset) },
      ...(statusCells(row, columns.slice(many ? 1 : 0)) ?? Object.fromEntries(metrics.map((k) => [k, metricLabel(k).seconds ? secondsCell(m(row, k)) : statCell(m(row, k), 4)]))),
    },
  }));
  const notes = [NOTE_STD(rows), ...reasons(def, rows)].filter((n): n is string => n !== null);
  return { id: def.name, title: def.title, columns, rows: out, notes };
}

/** The metric columns of a sweep or values table: the definition's, else what the cells report. */
export function metricNames(def: ExperimentDef, rows: AggregateRow[]): string[] {
  if (def.report.metrics) return def.report.metrics;
  if (def.kind === 'detection') return ['precision', 'recall', 'f1', 'auprc', 'bestF1', 'trainSec', 'testSec'];
  return unique(rows.flatMap((r) => Object.keys(r.metrics)));
}

/** All tables of an experiment, by its layout. */
export function experimentTables(def: ExperimentDef, rows: AggregateRow[]): Table[] {
  switch (def.report.layout) {
    case 'detection':
      return detectionTables(def, rows);
    case 'by-dataset':
      return [byDatasetTable(def, rows)];
    case 'ranking':
      return [rankingTable(def, rows)];
    case 'root-causes':
      return [rootCauseTable(def, rows)];
    case 'sweep':
    case 'values':
      return [metricsTable(def, rows, metricNames(def, rows))];
  }
}
