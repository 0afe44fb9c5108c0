import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { aggregateCells } from '../experiments/aggregate-cells.ts';
import { CellStore, replaceNumbers } from '../experiments/cell-store.ts';
import type { ExperimentDef } from '../experiments/definition.ts';
import { collectCells, experimentDir, type RunOptions, type RunResult } from '../experiments/runner.ts';
import { writeFileAtomic } from '../../lib/util/atomic-write.ts';
import { findFont } from './charts/fonts.ts';
import { prefixSvgIds, renderPng, renderSvg } from './charts/render.ts';
import { experimentCharts } from './experiment-charts.ts';
import { pageHtml, paperOrder, sectionHtml, unescapeHtml, type SectionInput } from './html.ts';
import { experimentTables, metricNames } from './layouts.ts';
import { buildSummary } from './summary.ts';
import { tableCsv, tableMarkdown } from './table.ts';

const slug = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '-');
export const SECTION_FILE = 'section.html';

export interface ReportFiles {
  dir: string;
  files: string[];
}

/**
 * Writes an experiment's report next to its cells: summary.json, tables.md, one CSV per table, each chart as
 * .vl.json + .svg + .png, and index.html (self-contained); then rebuilds `<outDir>/index.html` from every
 * experiment's section.
 */
export async function writeExperimentReport(run: RunResult, outDir: string, log: (line: string) => void = () => {}): Promise<ReportFiles> {
  const def = run.experiment;
  const dir = run.dir;
  const files: string[] = [];
  const write = async (name: string, data: string | Uint8Array) => {
    await writeFileAtomic(join(dir, name), data);
    files.push(name);
  };

  const rows = aggregateCells(run.cells);
  const summary = buildSummary(run, rows);
  await write('summary.json', `${JSON.stringify(summary, replaceNumbers, 2)}\n`);

  const tables = experimentTables(def, rows);
  await write('tables.md', `# ${def.title}\n\n${def.description ? `${def.description}\n\n` : ''}${tables.map(tableMarkdown).join('\n')}`);
  const csvNames: string[] = [];
  for (const t of tables) {
    const name = tables.length === 1 ? 'table.csv' : `table-${slug(t.id.replace(`${def.name}-`, ''))}.csv`;
    await write(name, tableCsv(t));
    csvNames.push(name);
  }

  const font = findFont();
  if (font.warning) log(`warning: ${font.warning}`);
  const figures: SectionInput['figures'] = [];
  for (const chart of experimentCharts(def, rows, metricNames(def, rows))) {
    const svg = await renderSvg(chart.spec);
    await write(`${chart.name}.vl.json`, `${JSON.stringify(chart.spec, null, 1)}\n`);
    await write(`${chart.name}.svg`, svg);
    await write(`${chart.name}.png`, renderPng(svg, { font }).png);
    figures.push({ svg: prefixSvgIds(svg, `${slug(def.name)}-${chart.name}`), caption: chart.caption, files: [`${chart.name}.vl.json`, `${chart.name}.svg`, `${chart.name}.png`] });
  }

  const c = run.counts;
  const meta = [
    run.quick ? 'quick form' : 'full form',
    `seeds ${run.plan.seeds.join(', ')}`,
    `${c.total} cells: ${c.reused} reused, ${c.computed} computed${c.failed ? `, ${c.failed} failed` : ''}${c.missing ? `, ${c.missing} missing` : ''}${c.notApplicable ? `, ${c.notApplicable} not applicable` : ''}`,
    `generated ${summary.generatedAt}`,
    ...Object.entries(summary.versions).filter(([k]) => ['traceanomaly-harness', 'commit', 'node'].includes(k)).map(([k, v]) => `${k} ${v}`),
    `backend ${[...new Set(run.cells.map((x) => x.result?.backend).filter(Boolean))].join(', ') || '-'}`,
    `PNG font ${font.family ?? 'none found'}`,
  ];
  const section = (prefix: string): string =>
    sectionHtml({
      name: def.name,
      title: def.title,
      ...(def.description ? { description: def.description } : {}),
      meta,
      tables,
      figures: figures.map((f) => ({ ...f, files: f.files.map((x) => prefix + x) })),
      links: ['summary.json', 'tables.md', ...csvNames, 'cells/'].map((x) => ({ href: prefix + x, text: x })),
    });
  await write(SECTION_FILE, section(`${def.name}/`));
  await write('index.html', pageHtml(def.title, [{ name: def.name, title: def.title, html: section('') }]));
  await writeReportsIndex(outDir);
  return { dir, files };
}

/** Rounds of writeReportFromDisk before it leaves the report to the writers still adding cells. */
const REPORT_ROUNDS = 5;

/**
 * Writes an experiment's report from the cells on disk (collectCells: every cell of the plan, and other seeds'
 * matching cells), safe with other runs and shards writing into the same folder, without locks: after writing, it
 * looks at the cell files again, and if any appeared or changed meanwhile it writes the report again. Whichever
 * run writes a report file last thus wrote it from every cell finished before its own last look, which came after
 * every other run's last cell: no finished cell is lost from the report. Returns the cells the report shows.
 */
export async function writeReportFromDisk(def: ExperimentDef, opts: RunOptions, ran?: RunResult, log: (line: string) => void = () => {}): Promise<{ report: ReportFiles; view: RunResult }> {
  const store = new CellStore(join(experimentDir(opts.outDir, def), 'cells'));
  for (let round = 1; ; round++) {
    const before = await store.snapshot();
    const view = await collectCells(def, opts, ran);
    const report = await writeExperimentReport(view, opts.outDir, round === 1 ? log : () => {});
    if ((await store.snapshot()) === before) return { report, view };
    if (round === REPORT_ROUNDS) {
      log(`cells are still being written into ${store.dir}: the report holds those finished before ${new Date().toISOString()}; the run that writes the last ones rewrites it`);
      return { report, view };
    }
    log(`other cells were written meanwhile: rewriting the report (round ${round + 1})`);
  }
}

/** `<outDir>/index.html`: every experiment that has a report, in the paper's order (paperOrder), on one page that opens offline. */
export async function writeReportsIndex(outDir: string): Promise<string> {
  const names = (await readdir(outDir, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const sections: { name: string; title: string; html: string }[] = [];
  for (const name of names) {
    const html = await readFile(join(outDir, name, SECTION_FILE), 'utf8').catch(() => null);
    if (html === null) continue;
    const title = unescapeHtml(/<h2>(.*?)<\/h2>/.exec(html)?.[1] ?? name);
    sections.push({ name, title, html });
  }
  sections.sort(paperOrder);
  const path = join(outDir, 'index.html');
  const intro = '<p>Reports of the TraceAnomaly harness (Liu et al., ISSRE 2020): one section per experiment run with <code>traceanomaly experiment NAME</code>. Each section links its summary.json, tables (Markdown, CSV), chart specs (Vega-Lite) and per-cell results.</p>';
  await writeFileAtomic(path, pageHtml('TraceAnomaly harness: experiment reports', sections, intro));
  return path;
}
