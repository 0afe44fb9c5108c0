import { describe, expect, it } from 'vitest';
import { releasedTrainTicket } from '../../datasets/released-trainticket.ts';
import { releasedTrainTicketFiles } from '../../src/util/data-root.ts';

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
