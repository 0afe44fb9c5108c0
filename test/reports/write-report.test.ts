import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from '../../src/harness/experiments/registry.ts';
import { runExperiment } from '../../src/harness/experiments/runner.ts';
import { SECTION_FILE, writeExperimentReport, writeReportsIndex } from '../../src/harness/reports/write-report.ts';
import { sectionHtml } from '../../src/harness/reports/html.ts';
import { tempDir } from '../helpers/files.ts';
import { experiment, tinyEntry, topSeedMethod } from '../experiments/fakes.ts';

function registry(): Registry {
  const r = new Registry().addDataset(tinyEntry()).addDataset({ ...tinyEntry(), name: 'tiny2' }).addMethod(topSeedMethod());
  r.addMethod({
    kind: 'task',
    name: 'grid',
    description: 'a 3 x 2 density grid',
    version: '1',
    run: async () => ({ values: { cells: 6 }, artifacts: { heatmap: { title: 'log p(x)', x: [0, 1, 2], y: [0, 1], values: [1, 2, 3, 4, 5, 6] } } }),
  });
  return r;
}

describe('experiment reports by layout', () => {
  it('sweep: a row per grid value and a line plot against the swept option', async () => {
    const out = tempDir();
    const run = await runExperiment(experiment({ name: 'sweep', grid: { k: [1, 5, 50] }, seeds: [1, 2], report: { layout: 'sweep', x: 'k' } }), { registry: registry(), outDir: out, log: () => {} });
    const { files } = await writeExperimentReport(run, out);
    expect(files).toEqual(expect.arrayContaining(['line-f1.svg', 'line-f1.png', 'line-auprc.vl.json', 'table.csv']));
    const md = readFileSync(join(out, 'sweep', 'tables.md'), 'utf8');
    expect(md.match(/^\| top-seed k=\d+ \|/gm)).toHaveLength(3);
    const spec = JSON.parse(readFileSync(join(out, 'sweep', 'line-f1.vl.json'), 'utf8'));
    expect(spec.data.values.map((v: { x: number; series: string }) => [v.x, v.series])).toEqual([[1, 'top-seed'], [5, 'top-seed'], [50, 'top-seed']]);
  });

  it('by-dataset: P/R/F1 per dataset, bars and a heat map; task cells with a grid get a heat map', async () => {
    const out = tempDir();
    const reg = registry();
    const run = await runExperiment(experiment({ name: 'bydata', datasets: ['tiny', 'tiny2'], seeds: [1], report: { layout: 'by-dataset' } }), { registry: reg, outDir: out, log: () => {} });
    const { files } = await writeExperimentReport(run, out);
    expect(files).toEqual(expect.arrayContaining(['bars-f1.png', 'heatmap-f1.png']));
    const task = await runExperiment(experiment({ name: 'fig', kind: 'task', methods: ['grid'], seeds: [1], report: { layout: 'values' } }), { registry: reg, outDir: out, log: () => {} });
    const written = await writeExperimentReport(task, out);
    expect(written.files).toEqual(expect.arrayContaining(['heatmap-grid-tiny.svg', 'heatmap-grid-tiny.png']));
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    // the reports index gathers both experiments
    expect(index).toContain('<section id="bydata">');
    expect(index).toContain('<section id="fig">');
    expect(existsSync(join(out, 'fig', 'summary.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'fig', 'summary.json'), 'utf8')).rows[0].cells).toBe(6);
  });

  it('orders the reports index as the paper: Table II to VI by number, then figures, then the rest by name', async () => {
    const out = tempDir();
    const titles: Record<string, string> = { 'ablation-samples': 'Ablation: L_z', demo: 'Demo', fig11: 'Fig. 11: log p(x)', table3: 'Table III: four services', table2: 'Table II: TrainTicket', table6: 'Table VI: other densities', table4: 'Table IV: localisation', table5: 'Table V: root causes' };
    for (const [name, title] of Object.entries(titles)) {
      mkdirSync(join(out, name));
      writeFileSync(join(out, name, SECTION_FILE), sectionHtml({ name, title, meta: [], tables: [], figures: [], links: [] }));
    }
    const index = readFileSync(await writeReportsIndex(out), 'utf8');
    expect([...index.matchAll(/<section id="([^"]+)">/g)].map((m) => m[1])).toEqual(['table2', 'table3', 'table4', 'table5', 'table6', 'fig11', 'ablation-samples', 'demo']);
  });

  it('shows a description\'s `names` as code, not with literal backticks', () => {
    const html = sectionHtml({ name: 'x', title: 'X', description: 'On `trainticket` and `a<b`; a lone ` stays.', meta: [], tables: [], figures: [], links: [] });
    expect(html).toContain('<p>On <code>trainticket</code> and <code>a&lt;b</code>; a lone ` stays.</p>');
  });
});
