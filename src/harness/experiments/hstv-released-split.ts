import { readStvText } from '../../lib/readers/stv-files.ts';
import { selectRows, type StvMatrix } from '../../lib/stv/matrix.ts';
import { Random } from '../../lib/util/random.ts';
import { confusion, precisionRecall, type Confusion, type PrecisionRecall } from '../../lib/metrics/confusion.ts';
import { HstvDetector, type HstvOptions } from '../../../baselines/hstv-3sigma/hstv.ts';

/**
 * HSTV-3sigma on the released TrainTicket STVs (test set only; no training file was released): train on
 * `trainSize` normal traces drawn with a seeded shuffle of test_normal, score the remaining normal traces and
 * all of test_abnormal. Say the split and seed in any report of these numbers.
 */
export interface ReleasedSplitResult extends Confusion, PrecisionRecall {
  seed: number;
  trainSize: number;
  testNormal: number;
  testAbnormal: number;
  options: HstvOptions;
  /** Distinct valid-dimension sets among the training traces. */
  groups: number;
  /** Test traces without any HSTV, per label. */
  noHstv: { normal: number; abnormal: number };
  trainSec: number;
  testSec: number;
}

export async function loadReleased(files: { normal: string; abnormal: string }): Promise<{ normal: StvMatrix; abnormal: StvMatrix }> {
  const [normal, abnormal] = await Promise.all([readStvText(files.normal), readStvText(files.abnormal)]);
  return { normal, abnormal };
}

export async function runReleasedSplit(
  data: { normal: StvMatrix; abnormal: StvMatrix },
  opts: { seed: number; trainSize?: number; detector?: Partial<HstvOptions> },
): Promise<ReleasedSplitResult> {
  const { normal, abnormal } = data;
  const trainSize = opts.trainSize ?? 20_000;
  if (normal.width !== abnormal.width) throw new Error(`normal and abnormal files differ in width (${normal.width}, ${abnormal.width})`);
  if (trainSize >= normal.ids.length) throw new Error(`trainSize ${trainSize} leaves no normal test traces (${normal.ids.length} in all)`);
  const perm = new Random(opts.seed).permutation(normal.ids.length);
  const train = selectRows(normal, perm.subarray(0, trainSize));
  const testNormal = selectRows(normal, perm.subarray(trainSize));
  const n = testNormal.ids.length;
  const test: StvMatrix = {
    ids: [...testNormal.ids, ...abnormal.ids],
    width: normal.width,
    values: new Float32Array(testNormal.values.length + abnormal.values.length),
  };
  test.values.set(testNormal.values, 0);
  test.values.set(abnormal.values, testNormal.values.length);
  const labels = Uint8Array.from(test.ids, (_, i) => (i < n ? 0 : 1));

  const det = new HstvDetector(opts.detector);
  const t0 = performance.now();
  await det.fit({ stv: train });
  const t1 = performance.now();
  const scores = await det.score({ stv: test });
  const flags = det.decide(scores);
  const t2 = performance.now();
  const noHstv = { normal: 0, abnormal: 0 };
  scores.forEach((s, i) => {
    if (s === Infinity) labels[i] ? noHstv.abnormal++ : noHstv.normal++;
  });
  const counts = confusion(labels, flags);
  return {
    seed: opts.seed,
    trainSize,
    testNormal: n,
    testAbnormal: abnormal.ids.length,
    options: { ...det.options },
    groups: det.groupCount,
    noHstv,
    ...counts,
    ...precisionRecall(counts),
    trainSec: (t1 - t0) / 1000,
    testSec: (t2 - t1) / 1000,
  };
}
