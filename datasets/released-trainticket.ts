import { readStvText } from '../src/readers/stv-files.ts';
import type { Dataset } from '../src/contracts/dataset.ts';
import type { TraceLabel } from '../src/trace/trace.ts';
import { selectRows, type StvMatrix } from '../src/stv/matrix.ts';
import { releasedTrainTicketFiles } from '../src/util/data-root.ts';
import { Random } from '../src/util/random.ts';

export interface ReleasedSplitOptions {
  seed: number;
  /** Normal traces given to training (20,000); the detector holds out its own validation share of them. */
  trainSize?: number;
  /** Where the datasets live (see src/util/data-root.ts). */
  dataRoot?: string;
}

/**
 * The released TrainTicket STVs (trainticket-stv/test_normal.zip, test_abnormal.zip) as a Dataset, split the
 * way this project's README states: test_normal shuffled with the seed, the first 20,000 for training, the
 * other 10,355 normal and all 5,079 anomalous traces for test. The release has no training file and no
 * dimension names, so training comes from this split; the anomaly type of each anomalous trace is unknown.
 */
export async function releasedTrainTicket(opts: ReleasedSplitOptions): Promise<Dataset> {
  const files = releasedTrainTicketFiles(opts.dataRoot);
  if (!files) throw new Error('the released TrainTicket STVs are not there: trainticket-stv/test_normal.zip and test_abnormal.zip under the data root');
  const [normal, abnormal] = await Promise.all([readStvText(files.normal), readStvText(files.abnormal)]);
  const trainSize = opts.trainSize ?? 20_000;
  if (trainSize >= normal.ids.length) throw new Error(`trainSize ${trainSize} leaves no normal test traces (${normal.ids.length} in all)`);
  const order = new Random(opts.seed).permutation(normal.ids.length);
  const train = selectRows(normal, order.subarray(0, trainSize));
  const testNormal = selectRows(normal, order.subarray(trainSize));
  const test = concatRows(testNormal, abnormal);
  const labels = new Map<string, TraceLabel>();
  for (const id of testNormal.ids) labels.set(id, { label: 0 });
  for (const id of abnormal.ids) labels.set(id, { label: 1 });
  return {
    name: 'trainticket-released',
    description: `released TrainTicket STVs: ${trainSize} shuffled normal traces for training, ${testNormal.ids.length} normal + ${abnormal.ids.length} anomalous for test`,
    train: { stv: train },
    test: { stv: test, labels },
    anomalyTypes: [],
    provenance: { files, seed: opts.seed, trainSize, testNormal: testNormal.ids.length, testAnomalous: abnormal.ids.length, split: 'Random(seed).permutation of test_normal rows' },
  };
}

function concatRows(a: StvMatrix, b: StvMatrix): StvMatrix {
  if (a.width !== b.width) throw new Error(`cannot stack ${a.width} and ${b.width} dimensions`);
  const values = new Float32Array(a.values.length + b.values.length);
  values.set(a.values);
  values.set(b.values, a.values.length);
  return { ids: [...a.ids, ...b.ids], width: a.width, values };
}
