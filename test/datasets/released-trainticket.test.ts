import { describe, expect, it } from 'vitest';
import { builtinDatasets } from '../../src/harness/experiments/builtins.ts';
import { readStvText } from '../../src/lib/readers/stv-files.ts';
import { dataRoot, releasedTrainTicketFiles } from '../../src/lib/util/data-root.ts';
import { Random } from '../../src/lib/util/random.ts';

const files = releasedTrainTicketFiles();

describe.skipIf(files === null)('the built-in dataset file of the released STVs (the README protocol)', () => {
  const entry = builtinDatasets().find((d) => d.name === 'trainticket-released')!;
  const load = (seed: number, options: Record<string, unknown> = {}) => entry.load({ seed, quick: false, options, dataRoot: dataRoot(), log: () => {} });

  it('trains on the first 20,000 of test_normal shuffled with the seed, in that order, and tests on the other 10,355 normal + 5,079 anomalous', async () => {
    const [a, normal] = await Promise.all([load(1), readStvText(files!.normal)]);
    // the protocol written out: Random(seed).permutation of the test_normal rows, the first 20,000 for training
    const order = new Random(1).permutation(normal.ids.length);
    expect(a.train.stv!.ids).toEqual(Array.from(order.subarray(0, 20_000), (i) => normal.ids[i]));
    const k = 123; // one training row, value for value
    expect(Array.from(a.train.stv!.values.subarray(k * 890, (k + 1) * 890))).toEqual(Array.from(normal.values.subarray(order[k] * 890, (order[k] + 1) * 890)));
    expect(a.train.stv!.width).toBe(890);
    expect(a.test.stv!.ids.length).toBe(10_355 + 5_079);
    const labels = [...a.test.labels!.values()].map((l) => l.label);
    expect(labels.filter((l) => l === 1).length).toBe(5_079);
    const train = new Set(a.train.stv!.ids);
    expect(a.test.stv!.ids.some((id) => train.has(id))).toBe(false);
    expect(new Set(a.test.stv!.ids.filter((id) => a.test.labels!.get(id)!.label === 0))).toEqual(new Set(Array.from(order.subarray(20_000), (i) => normal.ids[i])));
    expect(a.test.stv!.ids.every((id) => !id.includes('\r'))).toBe(true);
  });

  it('takes another shuffle for another seed, and trainSize from an experiment\'s datasetOptions', async () => {
    const [a, b] = await Promise.all([load(1), load(2, { trainSize: 100 })]);
    expect(b.train.stv!.ids).toHaveLength(100);
    expect(b.train.stv!.ids).not.toEqual(a.train.stv!.ids.slice(0, 100));
    expect(b.test.stv!.ids.length).toBe(30_255 + 5_079);
  });
});
