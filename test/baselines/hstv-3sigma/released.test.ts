import { describe, expect, it } from 'vitest';
import { releasedTrainTicketFiles } from '../../../src/lib/util/data-root.ts';
import { loadReleased, runReleasedSplit } from '../../../src/harness/experiments/hstv-released-split.ts';

const files = releasedTrainTicketFiles();

describe.skipIf(files === null)('HSTV-3sigma on the released TrainTicket STVs (20,000 normal for training, seed 1)', () => {
  it('finds the 21 valid-dimension sets of the normal traces and reproduces its measured operating point', async () => {
    const r = await runReleasedSplit(await loadReleased(files!), { seed: 1 });
    // the dataset README: normal traces have 21 distinct sets of valid dimensions
    expect(r.groups).toBe(21);
    expect(r.noHstv.normal).toBe(0);
    expect([r.testNormal, r.testAbnormal]).toEqual([10_355, 5_079]);
    // measured with this code (k = 3): every anomalous trace is caught, 667 of 10,355 normal ones too
    expect({ tp: r.tp, fp: r.fp, fn: r.fn }).toEqual({ tp: 5079, fp: 667, fn: 0 });
    expect(r.noHstv.abnormal).toBe(3952);
  });
});
