import { describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from '../../src/harness/experiments/registry.ts';
import { collectCells, runExperiment, type RunOptions } from '../../src/harness/experiments/runner.ts';
import { parseShard, shardCells } from '../../src/harness/experiments/shard.ts';
import { writeReportFromDisk } from '../../src/harness/reports/write-report.ts';
import { reportDifferences } from '../../src/harness/reports/compare-reports.ts';
import { tempDir } from '../helpers/files.ts';
import { experiment, tinyEntry, topSeedMethod } from './fakes.ts';

const quiet = () => {};
function options(outDir = tempDir(), registry = new Registry().addDataset(tinyEntry()).addMethod(topSeedMethod()).addMethod(topSeedMethod('other'))): RunOptions {
  return { registry, outDir, log: quiet };
}
const summaryOf = (outDir: string, name = 'exp') => JSON.parse(readFileSync(join(outDir, name, 'summary.json'), 'utf8'));

describe('shards', () => {
  it('parses I/N, 1 <= I <= N', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/3', '4/3', '1/0', '2', 'a/b', '-1/3', '1.5/3']) expect(typeof parseShard(bad), bad).toBe('string');
  });

  it('partitions by the longest-processing-time rule: hand-worked assignments', () => {
    // equal costs are dealt out in turn
    const equal = [1, 1, 1, 1, 1, 1, 1];
    expect([1, 2, 3].map((index) => shardCells(equal, { index, count: 3 }))).toEqual([[0, 3, 6], [1, 4], [2, 5]]);
    // 5 goes to shard 1; the five 1s all go to shard 2 (its load stays below 5 until the last)
    expect([1, 2].map((index) => shardCells([5, 1, 1, 1, 1, 1], { index, count: 2 }))).toEqual([[0], [1, 2, 3, 4, 5]]);
    // costs 3 8 1 4 6 into 2: 8 -> A, 6 -> B, 4 -> B (6 < 8), 3 -> A (8 < 10), 1 -> B (10 < 11)
    expect([1, 2].map((index) => shardCells([3, 8, 1, 4, 6], { index, count: 2 }))).toEqual([[0, 1], [2, 3, 4]]);
    // more shards than cells: the extra shards are empty
    expect([1, 2, 3].map((index) => shardCells([2, 1], { index, count: 3 }))).toEqual([[0], [1], []]);
  });

  it('three shards run one after another compute every cell once, and the merged report equals one run', async () => {
    const def = experiment({ methods: ['top-seed', 'other'], grid: { k: [1, 2] } });
    const whole = options();
    const one = await runExperiment(def, whole);
    await writeReportFromDisk(def, whole, one);

    const sharded = options();
    const computed: string[] = [];
    for (let index = 1; index <= 3; index++) {
      const run = await runExperiment(def, { ...sharded, shard: { index, count: 3 } });
      expect(run.counts.reused).toBe(0);
      computed.push(...run.cells.map((c) => c.key));
    }
    expect(computed.sort()).toEqual(one.cells.map((c) => c.key).sort());
    const { view } = await writeReportFromDisk(def, sharded);
    expect(view.counts).toMatchObject({ total: 12, reused: 12, missing: 0, failed: 0 });
    expect(await reportDifferences(join(whole.outDir, 'exp'), join(sharded.outDir, 'exp'))).toEqual([]);
  });

  it('a merge before every shard ran names the missing cells, and shows them as missing, not failed', async () => {
    const def = experiment({ seeds: [1, 2] });
    const opts = options();
    await runExperiment(def, { ...opts, shard: { index: 1, count: 2 } });
    const { view } = await writeReportFromDisk(def, opts);
    expect(view.counts).toMatchObject({ total: 2, reused: 1, missing: 1 });
    expect(view.cells.filter((c) => c.missing).map((c) => c.spec.seed)).toEqual([2]);
    expect(summaryOf(opts.outDir).rows[0]).toMatchObject({ status: 'partial', seeds: [1, 2] });
    expect(readFileSync(join(opts.outDir, 'exp', 'tables.md'), 'utf8')).toMatch(/some seeds failed or are not on disk yet/);
    rmSync(join(opts.outDir, 'exp', 'cells'), { recursive: true });
    await writeReportFromDisk(def, opts);
    expect(summaryOf(opts.outDir).rows[0]).toMatchObject({ status: 'missing' });
    expect(readFileSync(join(opts.outDir, 'exp', 'table.csv'), 'utf8')).toMatch(/^ours,top-seed,missing,missing/m);
  });
});

describe('reports built from every matching cell on disk', () => {
  it('two runs of other seeds into one folder: the report holds every seed of both, in order', async () => {
    const opts = options();
    const def = experiment({ seeds: [1, 2, 3] });
    for (const seeds of [[3], [1]]) await writeReportFromDisk(def, { ...opts, seeds }, await runExperiment(def, { ...opts, seeds }));
    const s = summaryOf(opts.outDir);
    expect(s.seeds).toEqual([1, 3]);
    expect(s.rows[0].seeds).toEqual([1, 3]);
    // precision 1 (seed 1) and 2/3 (seed 3), by hand (fakes.ts)
    expect(s.rows[0].precision).toBeCloseTo(5 / 6, 12);
    expect(s.cells).toMatchObject({ total: 2, computed: 1, reused: 1 });
  });

  it('leaves out cells of the same seeds that do not match: other options, or another method version', async () => {
    const opts = options();
    await runExperiment(experiment({ seeds: [2], options: { depth: 2 } }), opts);
    const v2 = new Registry().addDataset(tinyEntry()).addMethod(topSeedMethod('top-seed', { version: '2' }));
    await runExperiment(experiment({ seeds: [3] }), { ...opts, registry: v2 });
    const view = await collectCells(experiment({ seeds: [1] }), opts);
    expect(view.cells.map((c) => [c.spec.seed, c.missing])).toEqual([[1, true]]);
  });

  it('rewrites the report when another run finishes a cell while it is being written', async () => {
    const elsewhere = options();
    const def = experiment({ seeds: [1] });
    const other = await runExperiment(def, { ...elsewhere, seeds: [2] });
    const opts = options();
    const cells = join(opts.outDir, 'exp', 'cells');
    let arrived = false;
    // the dataset's fingerprint is taken while the report is built: the other run's cell lands then
    const entry = { ...tinyEntry(), fingerprint: async () => {
      if (!arrived && existsSync(cells) && readdirSync(cells).length > 0) {
        arrived = true;
        copyFileSync(other.cells[0].file, join(cells, other.cells[0].file.split('/').pop()!));
      }
      return 'v1';
    } };
    const lines: string[] = [];
    const mine = { ...opts, registry: new Registry().addDataset(entry).addMethod(topSeedMethod()), log: (l: string) => lines.push(l) };
    await writeReportFromDisk(def, mine, await runExperiment(def, mine), mine.log);
    expect(arrived).toBe(true);
    expect(lines.filter((l) => /rewriting the report/.test(l))).toHaveLength(1);
    expect(summaryOf(opts.outDir).rows[0].seeds).toEqual([1, 2]);
  });
});
