import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetEntryFromFile, datasetEntryFromSpec, loadDatasetFile, validateDatasetFile } from '../../src/harness/experiments/dataset-file.ts';
import { builtinDatasets } from '../../src/harness/experiments/builtins.ts';
import { tinyService } from '../../src/harness/experiments/demo/tiny-service.ts';
import { InputError } from '../../src/lib/util/errors.ts';
import { messagesCsv } from '../helpers/messages-csv.ts';
import { writeExport } from '../helpers/export.ts';
import { tempDir } from '../helpers/files.ts';

const ctx = { seed: 1, quick: false, options: {}, dataRoot: '/nonexistent', log: () => {} };

/** Released-format STV files: normal rows 0..9 and anomalous rows a0..a3, two dimensions. */
function writeStvPool(dir: string): void {
  writeFileSync(join(dir, 'normal.txt'), Array.from({ length: 10 }, (_, i) => `n${i}:${10 + i},0`).join('\n'));
  writeFileSync(join(dir, 'abnormal.txt'), Array.from({ length: 4 }, (_, i) => `a${i}:${100 + i},5`).join('\n'));
}

describe('dataset files', () => {
  it('load a labelled trace export (train and test files, labels CSV) into traces and STVs', async () => {
    const dir = tempDir();
    const entry = await datasetEntryFromFile(writeExport(dir));
    expect(entry.name).toBe('my-export');
    expect(entry.seeded).toBe(false);
    const d = await entry.load(ctx);
    expect(d.train.traces).toHaveLength(40);
    expect(d.train.stv!.ids).toHaveLength(40);
    expect(d.test.traces).toHaveLength(30);
    expect(d.test.stv!.width).toBe(d.train.stv!.width);
    expect(d.anomalyTypes).toEqual(['path', 'rt']);
    expect([...d.test.labels!.values()].filter((l) => l.label === 1)).toHaveLength(10);
    // path anomalies call db-replica, a path the training traces never had
    expect(d.provenance.testTracesWithUnseenPaths).toBe(5);
  });

  it('split a pool of STV files, labelled per file, at random: normal rows to train, the rest and every anomaly to test', async () => {
    const dir = tempDir();
    writeStvPool(dir);
    const raw = { name: 'pool', format: 'stv-text', traces: [{ file: 'normal.txt', label: 0 }, { file: 'abnormal.txt', label: 1, anomalyType: 'rt' }], split: { rule: 'random', trainFraction: 0.6, seed: 3 } };
    const spec = validateDatasetFile(raw, join(dir, 'pool.json'));
    const d = await loadDatasetFile(spec, join(dir, 'pool.json'), ctx);
    expect(d.train.stv!.ids).toHaveLength(6);
    expect(d.train.stv!.ids.every((id) => id.startsWith('n'))).toBe(true);
    expect(d.test.stv!.ids).toHaveLength(8);
    expect(d.test.stv!.ids.filter((id) => id.startsWith('a'))).toHaveLength(4);
    // released format: 0 is absent (-1)
    const n = d.test.stv!.ids.findIndex((id) => id.startsWith('n'));
    expect(Array.from(d.test.stv!.values.subarray(n * 2, n * 2 + 2))).toEqual([10 + Number(d.test.stv!.ids[n].slice(1)), -1]);
    expect(d.test.labels!.get('a0')).toEqual({ label: 1, anomalyType: 'rt' });
    expect(d.anomalyTypes).toEqual(['rt']);
    // the same seed gives the same split; another seed another one
    const again = await loadDatasetFile(spec, join(dir, 'pool.json'), ctx);
    expect(again.train.stv!.ids).toEqual(d.train.stv!.ids);
    const other = await loadDatasetFile({ ...spec, split: { ...spec.split!, seed: 4 } }, join(dir, 'pool.json'), ctx);
    expect(other.train.stv!.ids).not.toEqual(d.train.stv!.ids);
  });

  it('split.testSample tests on a seeded share of the test rows, the same share for the same seed', async () => {
    const dir = tempDir();
    writeStvPool(dir);
    const raw = { name: 'pool', format: 'stv-text', traces: [{ file: 'normal.txt', label: 0 }, { file: 'abnormal.txt', label: 1, anomalyType: 'rt' }], split: { rule: 'random', trainFraction: 0.6, seed: 3, testSample: 0.5 } };
    const spec = validateDatasetFile(raw, join(dir, 'pool.json'));
    const full = await loadDatasetFile({ ...spec, split: { ...spec.split!, testSample: 1 } }, join(dir, 'pool.json'), ctx);
    const half = await loadDatasetFile(spec, join(dir, 'pool.json'), ctx);
    const ids = half.test.stv!.ids;
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length).toBeLessThan(full.test.stv!.ids.length);
    // a subset, in the full test split's order; the training split is untouched
    expect(full.test.stv!.ids.filter((id) => ids.includes(id))).toEqual(ids);
    expect(half.train.stv!.ids).toEqual(full.train.stv!.ids);
    expect((await loadDatasetFile(spec, join(dir, 'pool.json'), ctx)).test.stv!.ids).toEqual(ids);
    expect(() => validateDatasetFile({ ...raw, split: { ...raw.split, testSample: 0 } }, 'x.json')).toThrow(/testSample/);
  });

  it('split.testNormal / testAnomalous test on a seeded sample of that many rows of each label', async () => {
    const dir = tempDir();
    writeStvPool(dir);
    const raw = { name: 'pool', format: 'stv-text', traces: [{ file: 'normal.txt', label: 0 }, { file: 'abnormal.txt', label: 1, anomalyType: 'rt' }], split: { rule: 'random', trainFraction: 0.6, seed: 3 } };
    const file = join(dir, 'pool.json');
    const full = await loadDatasetFile(validateDatasetFile(raw, file), file, ctx);
    const count = (d: typeof full, label: number) => [...d.test.labels!.values()].filter((l) => l.label === label).length;
    const normal = count(full, 0);
    const sampled = await loadDatasetFile(validateDatasetFile({ ...raw, split: { ...raw.split, testNormal: normal - 2, testAnomalous: 1 } }, file), file, ctx);
    expect([count(sampled, 0), count(sampled, 1)]).toEqual([normal - 2, 1]);
    // a subset in the full split's order, the same again for the same seed; training untouched
    const ids = sampled.test.stv!.ids;
    expect(full.test.stv!.ids.filter((id) => ids.includes(id))).toEqual(ids);
    expect(sampled.train.stv!.ids).toEqual(full.train.stv!.ids);
    expect((await loadDatasetFile(validateDatasetFile({ ...raw, split: { ...raw.split, testNormal: normal - 2, testAnomalous: 1 } }, file), file, ctx)).test.stv!.ids).toEqual(ids);
    // only normal rows counted: every anomalous row stays
    const onlyNormal = await loadDatasetFile(validateDatasetFile({ ...raw, split: { ...raw.split, testNormal: 1 } }, file), file, ctx);
    expect([count(onlyNormal, 0), count(onlyNormal, 1)]).toEqual([1, count(full, 1)]);
    await expect(loadDatasetFile(validateDatasetFile({ ...raw, split: { ...raw.split, testNormal: normal + 1 } }, file), file, ctx)).rejects.toThrow(new RegExp(`has ${normal} normal rows; "testNormal" asks for ${normal + 1}`));
    expect(() => validateDatasetFile({ ...raw, split: { ...raw.split, testNormal: 0 } }, file)).toThrow(/"split.testNormal" must be a positive integer/);
    expect(() => validateDatasetFile({ ...raw, split: { ...raw.split, testSample: 0.5, testAnomalous: 3 } }, file)).toThrow(/"testSample" or "testAnomalous"/);
  });

  it('describes generated data with "generator": the built-in generator under the name of the file, its options under those of the experiment', async () => {
    const path = join(tempDir(), 'tiny-2d.json');
    const spec = validateDatasetFile({ name: 'tiny-2d', generator: 'two-dim-service', options: { train: 40, testNormal: 10, testAnomalies: 3 } }, path);
    const entry = datasetEntryFromSpec(spec, path);
    expect(entry.seeded).toBe(true);
    const d = await entry.load({ ...ctx, options: { testAnomalies: 5 } });
    expect(d.name).toBe('tiny-2d');
    expect(d.train.stv!.ids).toHaveLength(40);
    expect([...d.test.labels!.values()].filter((l) => l.label === 1)).toHaveLength(5);
    // the same data as the built-in dataset with those options: the same fingerprint
    const builtin = builtinDatasets().find((x) => x.name === 'two-dim-service')!;
    const options = { train: 40, testNormal: 10, testAnomalies: 5 };
    expect(await entry.fingerprint({ ...ctx, options: { testAnomalies: 5 } })).toBe(await builtin.fingerprint({ ...ctx, options }));
    expect(() => validateDatasetFile({ generator: 'nope' }, path)).toThrow(/"generator" must be one of trainticket, service-1/);
    expect(() => validateDatasetFile({ generator: 'trainticket', train: 'x.json' }, path)).toThrow(/takes no "train"/);
    expect(() => validateDatasetFile({ train: 'a', test: 'b', options: {} }, path)).toThrow(/"options" goes with a "generator"/);
  });

  it('split by time: the earliest traces train, anomalous ones among them left out', async () => {
    const dir = tempDir();
    const { train } = tinyService({ seed: 3, train: 10, testNormal: 0, testAnomalies: 0 });
    // trace i starts (10 - i) s later than the base: the file is in reverse time order
    const shift = (v: number | undefined, by: number) => (v === undefined ? undefined : v + by);
    const traces = train.map((t, i) => ({ id: t.id, calls: t.calls.map((c) => ({ ...c, callSent: shift(c.callSent, (10 - i) * 1000), callReceived: c.callReceived + (10 - i) * 1000, responseSent: c.responseSent + (10 - i) * 1000, responseReceived: shift(c.responseReceived, (10 - i) * 1000) })) }));
    writeFileSync(join(dir, 'all.csv'), messagesCsv(traces));
    writeFileSync(join(dir, 'labels.csv'), traces.map((t, i) => `${t.id},${i === 0 || i === 9 ? 1 : 0}`).join('\n'));
    const file = join(dir, 'timed.json');
    const spec = validateDatasetFile({ traces: 'all.csv', labels: 'labels.csv', split: { rule: 'time', trainFraction: 0.5 } }, file);
    expect(spec.name).toBe('timed');
    const lines: string[] = [];
    const d = await loadDatasetFile(spec, file, { ...ctx, log: (l) => lines.push(l) });
    // by time: train-9 (earliest, anomalous: left out), train-8 .. train-5 train; train-4 .. train-0 test
    expect(d.train.traces!.map((t) => t.id).sort()).toEqual(['train-5', 'train-6', 'train-7', 'train-8']);
    expect(d.test.traces!.map((t) => t.id).sort()).toEqual(['train-0', 'train-1', 'train-2', 'train-3', 'train-4']);
    expect(lines).toEqual(['dataset timed: 1 training row(s) labelled anomalous left out (split.trainNormalOnly)']);
  });

  it('name the file and trace for test rows without labels, and reject malformed descriptions', async () => {
    const dir = tempDir();
    const file = writeExport(dir);
    writeFileSync(join(dir, 'labels.csv'), 'trace_id,label\ntest-normal-0,0\n');
    await expect((await datasetEntryFromFile(file)).load(ctx)).rejects.toThrow(/my-export\.json, trace test-.*: test trace has no label/);
    expect(() => validateDatasetFile({ traces: 'x.csv' }, 'd.json')).toThrow(/"traces" needs a "split" rule/);
    expect(() => validateDatasetFile({ train: 'a', test: 'b', bogus: 1 }, 'd.json')).toThrow(/unknown field "bogus"/);
    expect(() => validateDatasetFile({ traces: 'x', split: { rule: 'random', trainFraction: 2 } }, 'd.json')).toThrow(InputError);
    expect(() => validateDatasetFile({ train: 'a' }, 'd.json')).toThrow(/needs "train" and "test"/);
  });

  it('fingerprint the description and every file it refers to', async () => {
    const dir = tempDir();
    const file = writeExport(dir);
    const entry = await datasetEntryFromFile(file);
    const before = await entry.fingerprint(ctx);
    expect(await entry.fingerprint(ctx)).toBe(before);
    writeFileSync(join(dir, 'labels.csv'), 'trace_id,label\n');
    expect(await entry.fingerprint(ctx)).not.toBe(before);
  });

  it('resolve data: paths under the data root', async () => {
    const root = tempDir();
    writeStvPool(root);
    const spec = validateDatasetFile({ name: 'p', format: 'stv-text', train: { file: 'data:normal.txt', label: 0 }, test: [{ file: 'data:abnormal.txt', label: 1 }] }, '/elsewhere/p.json');
    const d = await loadDatasetFile(spec, '/elsewhere/p.json', { ...ctx, dataRoot: root });
    expect(d.train.stv!.ids).toHaveLength(10);
    expect(d.test.stv!.ids).toHaveLength(4);
  });

  it('a trace in two sources is an error naming both (a file listed twice ran every trace twice; one in train and test leaks)', async () => {
    const root = tempDir();
    writeStvPool(root);
    for (const s of [
      { train: { file: 'data:normal.txt', label: 0 }, test: [{ file: 'data:normal.txt', label: 0 }, { file: 'data:abnormal.txt', label: 1 }] },
      { train: { file: 'data:normal.txt', label: 0 }, test: [{ file: 'data:abnormal.txt', label: 1 }, { file: 'data:abnormal.txt', label: 1 }] },
    ]) {
      const spec = validateDatasetFile({ name: 'p', format: 'stv-text', ...s }, '/elsewhere/p.json');
      const err = await loadDatasetFile(spec, '/elsewhere/p.json', { ...ctx, dataRoot: root }).catch((e) => e);
      expect(err).toBeInstanceOf(InputError);
      expect(err.message).toMatch(new RegExp(`^${root}/(ab)?normal\\.txt, trace (n|a)0: a second trace with this id \\(the file is read twice: is it listed twice\\?\\)$`));
    }
    writeFileSync(join(root, 'copy.txt'), 'a1:7,0\n');
    const spec = validateDatasetFile({ name: 'p', format: 'stv-text', train: { file: 'data:normal.txt', label: 0 }, test: [{ file: 'data:abnormal.txt', label: 1 }, { file: 'data:copy.txt', label: 1 }] }, '/elsewhere/p.json');
    await expect(loadDatasetFile(spec, '/elsewhere/p.json', { ...ctx, dataRoot: root })).rejects.toThrow(`${root}/copy.txt, trace a1: a second trace with this id (the first is in ${root}/abnormal.txt)`);
  });
});
