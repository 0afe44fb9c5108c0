import { describe, expect, it } from 'vitest';
import { releasedTrainTicket } from '../../datasets/released-trainticket.ts';
import { dataRoot, releasedTrainTicketFiles } from '../../src/util/data-root.ts';
import { builtinDatasets } from '../../src/experiments/builtins.ts';
import type { StvMatrix } from '../../src/stv/matrix.ts';

describe.skipIf(releasedTrainTicketFiles() === null)('released TrainTicket split', () => {
  it('gives 20,000 shuffled normal traces for training and the other 10,355 normal + 5,079 anomalous for test, by seed', async () => {
    const a = await releasedTrainTicket({ seed: 1 });
    expect(a.train.stv!.ids.length).toBe(20_000);
    expect(a.test.stv!.ids.length).toBe(10_355 + 5_079);
    expect(a.train.stv!.width).toBe(890);
    const labels = [...a.test.labels!.values()].map((l) => l.label);
    expect(labels.filter((l) => l === 1).length).toBe(5_079);
    const train = new Set(a.train.stv!.ids);
    expect(a.test.stv!.ids.some((id) => train.has(id))).toBe(false);
    expect(a.test.stv!.ids.every((id) => !id.includes('\r'))).toBe(true);
    // another seed, another shuffle
    const b = await releasedTrainTicket({ seed: 2, trainSize: 100 });
    expect(b.train.stv!.ids).not.toEqual(a.train.stv!.ids.slice(0, 100));
    expect(b.test.stv!.ids.length).toBe(30_255 + 5_079);
  });
});

describe.skipIf(releasedTrainTicketFiles() === null)('the built-in dataset file of the released STVs', () => {
  it('gives the split of the README protocol: the same training rows in the same order, the same test rows and values', async () => {
    const entry = builtinDatasets().find((d) => d.name === 'trainticket-released')!;
    const ctx = { seed: 3, quick: false, options: {}, dataRoot: dataRoot(), log: () => {} };
    const [fromFile, fromCode] = await Promise.all([entry.load(ctx), releasedTrainTicket({ seed: 3 })]);
    expect(fromFile.train.stv!.ids).toEqual(fromCode.train.stv!.ids);
    const bytes = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    expect(bytes(fromFile.train.stv!.values).equals(bytes(fromCode.train.stv!.values))).toBe(true);
    const rowOf = (m: StvMatrix) => new Map(m.ids.map((id, i) => [id, bytes(m.values.subarray(i * m.width, (i + 1) * m.width))]));
    const a = rowOf(fromFile.test.stv!);
    const b = rowOf(fromCode.test.stv!);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    expect([...a].filter(([id, v]) => !v.equals(b.get(id)!)).map(([id]) => id)).toEqual([]);
    expect([...a.keys()].filter((id) => fromFile.test.labels!.get(id)!.label !== fromCode.test.labels!.get(id)!.label)).toEqual([]);
    // an experiment's datasetOptions reach the split
    const small = await entry.load({ ...ctx, options: { trainSize: 100 } });
    expect(small.train.stv!.ids).toEqual(fromCode.train.stv!.ids.slice(0, 100));
  });
});
