import { describe, expect, it } from 'vitest';
import { readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { HOST, tempPath } from '../../src/lib/util/temp-files.ts';
import type { Detector } from '../../src/lib/contracts/detector.ts';
import { Registry } from '../../src/harness/experiments/registry.ts';
import { runExperiment, type RunOptions } from '../../src/harness/experiments/runner.ts';
import { aggregateCells } from '../../src/harness/experiments/aggregate-cells.ts';
import { tempDir } from '../helpers/files.ts';
import { experiment, tinyEntry, topSeedMethod, TopSeedDetector, tinyDataset } from './fakes.ts';

function setup(registry = new Registry().addDataset(tinyEntry()).addMethod(topSeedMethod())) {
  const outDir = tempDir();
  const lines: string[] = [];
  const opts: RunOptions = { registry, outDir, log: (l) => lines.push(l) };
  return { outDir, lines, opts, registry };
}

describe('experiment runner', () => {
  it('runs every cell, writes one JSON result per cell, and computes the metrics by hand-checked values', async () => {
    const { outDir, opts } = setup();
    const run = await runExperiment(experiment(), opts);
    expect(run.counts).toEqual({ total: 3, reused: 0, computed: 3, failed: 0, notApplicable: 0, missing: 0 });
    const files = readdirSync(join(outDir, 'exp', 'cells'));
    expect(files).toHaveLength(3);
    const byseed = run.cells.map((c) => c.result!);
    expect(byseed.map((r) => [r.metrics!.precision, r.metrics!.recall])).toEqual([[1, 0.5], [1, 1], [2 / 3, 1]]);
    // scores 4 3 2 1 against truth 1 1 0 0: a perfect ranking, AUPRC 1
    expect(byseed[0].metrics!.auprc).toBe(1);
    // seed 1 flags t0 (rt) only: rt recall 1, path recall 0; the detector names no types
    expect(byseed[0].perType).toEqual({ path: { count: 1, recall: 0, precision: null }, rt: { count: 1, recall: 1, precision: null } });
    const onDisk = JSON.parse(readFileSync(run.cells[0].file, 'utf8'));
    expect(onDisk).toMatchObject({ format: 'traceanomaly-cell', status: 'ok', backend: 'js', spec: { experiment: 'exp', dataset: 'tiny', method: 'top-seed', seed: 1 }, data: { trainRows: 3, testRows: 4, testAnomalies: 2, testNormals: 2, fingerprint: 'v1' } });
    expect(onDisk.versions.node).toBe(process.version);
    expect(onDisk.versions['vega-lite']).toMatch(/^6\.4\./);
    expect(onDisk.times.trainSec).toBeGreaterThanOrEqual(0);
    expect(onDisk.key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('aggregates mean +- sample std over seeds', async () => {
    const { opts } = setup();
    const rows = aggregateCells((await runExperiment(experiment(), opts)).cells);
    expect(rows).toHaveLength(1);
    // precision 1, 1, 2/3: mean 8/9, deviations 1/9 1/9 -2/9 -> std sqrt((6/81)/2) = sqrt(3)/9
    expect(rows[0].metrics.precision!.mean).toBeCloseTo(8 / 9, 12);
    expect(rows[0].metrics.precision!.std).toBeCloseTo(Math.sqrt(3) / 9, 12);
    // recall 1/2, 1, 1: mean 5/6, deviations -1/3 1/6 1/6 -> std sqrt((1/9 + 1/36 + 1/36)/2) = sqrt(1/12)
    expect(rows[0].metrics.recall!.mean).toBeCloseTo(5 / 6, 12);
    expect(rows[0].metrics.recall!.std).toBeCloseTo(Math.sqrt(1 / 12), 12);
    expect(rows[0].metrics['rt.precision']).toBeNull();
    expect(rows[0].seeds).toEqual([1, 2, 3]);
  });

  it('resumes: a rerun reuses finished cells (and says so) and computes only the missing ones', async () => {
    const { opts, lines } = setup();
    TopSeedDetector.fits = 0;
    const first = await runExperiment(experiment(), { ...opts, seeds: [1] });
    expect(first.counts.computed).toBe(1);
    expect(TopSeedDetector.fits).toBe(1);
    lines.length = 0;
    const full = await runExperiment(experiment(), opts);
    expect(full.counts).toMatchObject({ total: 3, reused: 1, computed: 2 });
    expect(TopSeedDetector.fits).toBe(3);
    expect(lines.filter((l) => /reused/.test(l) && /seed 1/.test(l))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/3 cells, 1 reused, 2 computed, 0 failed/);
    // the reused result is the one written before
    expect(full.cells[0].result!.createdAt).toBe(first.cells[0].result!.createdAt);
    const again = await runExperiment(experiment(), opts);
    expect(again.counts).toMatchObject({ reused: 3, computed: 0 });
    expect(TopSeedDetector.fits).toBe(3);
    expect((await runExperiment(experiment(), { ...opts, fresh: true })).counts.computed).toBe(3);
  });

  it('after a run killed in a cell, keeps the finished cells and no partial file, and the rerun finishes the rest', async () => {
    const registry = new Registry().addDataset(tinyEntry()).addMethod(topSeedMethod('top-seed', { failOnSeed: 2 }));
    const { outDir, opts } = setup(registry);
    await expect(runExperiment(experiment(), { ...opts, failFast: true })).rejects.toThrow(/killed at seed 2/);
    const cells = join(outDir, 'exp', 'cells');
    expect(readdirSync(cells)).toHaveLength(1);
    // a temporary file a killed process left behind is cleaned up
    writeFileSync(tempPath(join(cells, 'top-seed--tiny--s3--0123456789abcdef.json'), HOST, spawnSync(process.execPath, ['-e', '0']).pid), '{"trunc');
    const fixed = setup(new Registry().addDataset(tinyEntry()).addMethod(topSeedMethod()));
    const rerun = await runExperiment(experiment(), { ...fixed.opts, outDir });
    expect(rerun.counts).toMatchObject({ reused: 1, computed: 2, failed: 0 });
    expect(fixed.lines.some((l) => /removed 1 partial cell file/.test(l))).toBe(true);
    expect(readdirSync(cells).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('without --fail-fast, records a failing cell, goes on, and leaves it to the next run', async () => {
    const registry = new Registry().addDataset(tinyEntry()).addMethod(topSeedMethod('top-seed', { failOnSeed: 2 }));
    const { opts, lines } = setup(registry);
    const run = await runExperiment(experiment(), opts);
    expect(run.counts).toMatchObject({ computed: 2, failed: 1 });
    expect(run.cells[1].error).toMatch(/killed at seed 2/);
    expect(lines.some((l) => /seed 2: FAILED: killed at seed 2/.test(l))).toBe(true);
    expect(aggregateCells(run.cells)[0].status).toBe('partial');
  });

  it('keys cells by content: other options, method version or data are recomputed', async () => {
    const { outDir, opts } = setup();
    await runExperiment(experiment({ seeds: [1] }), opts);
    const same = await runExperiment(experiment({ seeds: [1], title: 'renamed' }), opts);
    expect(same.counts.reused).toBe(1);
    expect((await runExperiment(experiment({ seeds: [1], options: { depth: 2 } }), opts)).counts.reused).toBe(0);
    const v2 = new Registry().addDataset(tinyEntry()).addMethod(topSeedMethod('top-seed', { version: '2' }));
    expect((await runExperiment(experiment({ seeds: [1] }), { ...opts, registry: v2, outDir })).counts.reused).toBe(0);
    const data2 = new Registry().addDataset(tinyEntry('v2')).addMethod(topSeedMethod());
    expect((await runExperiment(experiment({ seeds: [1] }), { ...opts, registry: data2, outDir })).counts.reused).toBe(0);
    expect((await runExperiment(experiment({ seeds: [1] }), { ...opts, quick: true })).counts.reused).toBe(0);
  });

  it('trains once per seed when variants differ only in options used after training (fitKey), and says so', async () => {
    const trained: string[] = [];
    const adopted: string[] = [];
    /** `epochs` is a fit option, `cut` (how many top rows to flag) is used after training. */
    const create = ({ seed, options }: { seed: number; options: Record<string, unknown> }): Detector => {
      let state: string | null = null;
      const fitKey = `epochs=${String(options.epochs)}`;
      return {
        name: 'shared', needs: 'stv', detects: ['rt', 'path'], options: { ...options },
        fit: async () => {
          trained.push(`${fitKey} seed=${seed}`);
          state = `model ${fitKey} ${seed}`;
        },
        fitKey: () => fitKey,
        fittedState: () => state,
        adoptFit: async (s) => void adopted.push(`${String(s)} cut=${String(options.cut)}`),
        score: async (d) => Float64Array.from(d.stv!.values),
        decide: (x) => Uint8Array.from(x, (v, i) => (i < Number(options.cut) ? 1 : 0)),
      };
    };
    const registry = new Registry().addDataset(tinyEntry()).addMethod({ kind: 'detection', name: 'shared', description: 'shares fits', version: '1', create });
    const { opts, lines } = setup(registry);
    const def = experiment({ methods: [{ method: 'shared', options: { epochs: 2 } }], grid: { cut: [1, 2, 3] }, seeds: [1, 2] });
    const run = await runExperiment(def, opts);
    expect(trained).toEqual(['epochs=2 seed=1', 'epochs=2 seed=2']);
    expect(adopted).toEqual(['model epochs=2 1 cut=2', 'model epochs=2 1 cut=3', 'model epochs=2 2 cut=2', 'model epochs=2 2 cut=3']);
    const shared = run.cells.filter((c) => c.result!.times.fitSharedSec !== undefined).map((c) => c.spec.variant);
    expect(shared).toEqual(['shared cut=2', 'shared cut=3', 'shared cut=2', 'shared cut=3']);
    expect(lines.filter((l) => l.includes('model of an earlier cell'))).toHaveLength(4);
    // the verdicts are each cell's own: recall 1/2, 1, 1 for cut 1, 2, 3
    expect(run.cells.slice(0, 3).map((c) => c.result!.metrics!.recall)).toEqual([0.5, 1, 1]);
    // another fit option trains again
    await runExperiment(experiment({ name: 'exp2', methods: [{ method: 'shared', options: { epochs: 3 } }], grid: { cut: [1, 2] }, seeds: [1] }), opts);
    expect(trained).toEqual(['epochs=2 seed=1', 'epochs=2 seed=2', 'epochs=3 seed=1']);
  });

  it('--backend becomes the backend option of methods on a tfjs backend, unless the experiment set it, and keys their cells apart', async () => {
    const onTf = { ...topSeedMethod('on-tf'), backend: () => 'cpu' };
    const registry = new Registry().addDataset(tinyEntry()).addMethod(onTf).addMethod(topSeedMethod());
    const { opts } = setup(registry);
    const def = experiment({ seeds: [1], methods: ['on-tf', { method: 'on-tf', label: 'pinned', options: { backend: 'wasm' } }, 'top-seed'] });
    const cpu = await runExperiment(def, { ...opts, backend: 'cpu' });
    expect(cpu.cells.map((c) => c.spec.options)).toEqual([{ backend: 'cpu' }, { backend: 'wasm' }, {}]);
    expect(cpu.cells[0].result!.methodOptions).toMatchObject({ backend: 'cpu' });
    // another backend: the tfjs cell is new, the pinned one and the plain method are reused
    const auto = await runExperiment(def, { ...opts, backend: 'auto' });
    expect(auto.cells.map((c) => c.reused)).toEqual([false, true, true]);
    expect(auto.cells[0].key).not.toBe(cpu.cells[0].key);
  });

  it('expands grids and the --quick form into labelled variants', async () => {
    const { opts } = setup();
    const def = experiment({ grid: { k: [0, 5] }, methods: [{ method: 'top-seed', label: 'top', options: { a: 1 } }], quick: { seeds: [2], grid: { k: [1] } } });
    const full = await runExperiment(def, opts);
    expect(full.cells.map((c) => [c.spec.variant, c.spec.seed, c.spec.options])).toEqual([
      ['top k=0', 1, { a: 1, k: 0 }], ['top k=5', 1, { a: 1, k: 5 }],
      ['top k=0', 2, { a: 1, k: 0 }], ['top k=5', 2, { a: 1, k: 5 }],
      ['top k=0', 3, { a: 1, k: 0 }], ['top k=5', 3, { a: 1, k: 5 }],
    ]);
    const quick = await runExperiment(def, { ...opts, quick: true });
    expect(quick.cells.map((c) => [c.spec.variant, c.spec.seed, c.spec.quick])).toEqual([['top k=1', 2, true]]);
  });

  it('marks a method that needs traces as not applicable on an STV-only dataset', async () => {
    const { opts } = setup();
    const run = await runExperiment(experiment({ seeds: [1], options: { needsTraces: true } }), opts);
    expect(run.cells[0].result).toMatchObject({ status: 'not-applicable', reason: expect.stringMatching(/needs raw traces.*STVs only/) });
    expect(aggregateCells(run.cells)[0].status).toBe('not-applicable');
    expect((await runExperiment(experiment({ seeds: [1], options: { needsTraces: true } }), opts)).counts).toMatchObject({ reused: 1, notApplicable: 1 });
  });

  it('fails before running anything on an unknown name or a method of the wrong kind', async () => {
    const { opts, outDir } = setup();
    // a definition built in code is checked as a file's is: its name is the report folder
    await expect(runExperiment(experiment({ name: '../escape' }), opts)).rejects.toThrow(/experiment "name" must be letters.*found "\.\.\/escape"/);
    expect(readdirSync(outDir)).toEqual([]);
    await expect(runExperiment(experiment({ methods: ['nope'] }), opts)).rejects.toThrow(/unknown method "nope"; registered: top-seed/);
    // a misspelt method names the closest registered one
    await expect(runExperiment(experiment({ methods: ['top-sede'] }), opts)).rejects.toThrow(/unknown method "top-sede" \(did you mean "top-seed"\?\); registered/);
    await expect(runExperiment(experiment({ datasets: ['nope'] }), opts)).rejects.toThrow(/unknown dataset "nope"/);
    await expect(runExperiment(experiment({ kind: 'localization' }), opts)).rejects.toThrow(/is a detection method/);
  });

  it('runs localization cells (Precision@K on the anomalous rows) and task cells', async () => {
    const registry = new Registry().addDataset(tinyEntry());
    registry.addMethod({
      kind: 'localization',
      name: 'fixed-ranking',
      description: 'ranks a, b, c',
      version: '1',
      create: () => ({
        name: 'fixed-ranking',
        options: {},
        supervised: false,
        fit: async () => {},
        rank: async (_d, rows) => rows.map(() => [{ service: 'a', score: 3 }, { service: 'b', score: 2 }, { service: 'c', score: 1 }]),
      }),
    });
    registry.addMethod({ kind: 'task', name: 'count', description: 'counts rows', version: '1', run: async ({ dataset }) => ({ values: { testRows: dataset.test.stv!.ids.length } }) });
    const { opts } = setup(registry);
    // root causes: t0 -> a (rank 1), t1 -> b (rank 2): P@1 = 1/2, P@2 = P@3 = 1
    const loc = await runExperiment(experiment({ kind: 'localization', methods: ['fixed-ranking'], seeds: [1], report: { layout: 'ranking' } }), opts);
    expect(loc.cells[0].result!.ranking).toEqual({ cases: 2, precisionAtK: { 1: 0.5, 2: 1, 3: 1 } });
    const task = await runExperiment(experiment({ name: 'task', kind: 'task', methods: ['count'], seeds: [1], report: { layout: 'values' } }), opts);
    expect(task.cells[0].result!.values).toEqual({ testRows: 4 });
  });

  it('counts the test rows a cell scored, by label, not the labels of rows a test sample left out', async () => {
    // as a simulated day tested on a sample: the labels of all four rows, the STVs of t1, t2, t3 only
    const sampled = () => {
      const d = tinyDataset();
      const stv = d.test.stv!;
      return { ...d, test: { ...d.test, stv: { ...stv, ids: ['t1', 't2', 't3'], values: Float32Array.from([3, 2, 1]) } } };
    };
    const { opts } = setup(new Registry().addDataset({ ...tinyEntry(), load: async () => sampled() }).addMethod(topSeedMethod()));
    const run = await runExperiment(experiment({ seeds: [1] }), opts);
    expect(sampled().test.labels!.size).toBe(4);
    expect(run.cells[0].result!.data).toEqual({ trainRows: 3, testRows: 3, testAnomalies: 1, testNormals: 2, fingerprint: 'v1' });
  });

  it('loads a seed-independent dataset once for all seeds', async () => {
    let loads = 0;
    const entry = { ...tinyEntry(), load: async () => (loads++, tinyDataset()) };
    const { opts } = setup(new Registry().addDataset(entry).addMethod(topSeedMethod()));
    await runExperiment(experiment(), opts);
    expect(loads).toBe(1);
  });
});
