// npm run bench:hstv-released [-- --seeds 1,2,3 --k 3,4,5 --train 20000 --data DIR]
// HSTV-3sigma on the released TrainTicket STVs: trained on a seeded draw of normal test traces, scored on the
// remaining normal traces and all anomalous ones (the release has no training file).
import { parseArgs } from 'node:util';
import { releasedTrainTicketFiles } from '../src/lib/util/data-root.ts';
import { loadReleased, runReleasedSplit } from '../src/harness/experiments/hstv-released-split.ts';
import { exitOnError } from '../src/harness/cli/script.ts';

exitOnError('bench:hstv-released');
const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3' },
    k: { type: 'string', default: '3,4,5' },
    train: { type: 'string', default: '20000' },
    data: { type: 'string' },
  },
});
const files = releasedTrainTicketFiles(values.data);
if (files === null) {
  console.error('released TrainTicket STVs not found (trainticket-stv/test_normal.zip, test_abnormal.zip under the data root)');
  process.exit(1);
}
const data = await loadReleased(files);
console.log(`normal ${data.normal.ids.length}, abnormal ${data.abnormal.ids.length}, ${data.normal.width} dimensions; train = ${values.train} normal`);
console.log('seed    k  precision  recall     f1     tp    fp    fn  noHSTV(abn)  train s  test s');
for (const seed of values.seeds.split(',').map(Number)) {
  for (const k of values.k.split(',').map(Number)) {
    const r = await runReleasedSplit(data, { seed, trainSize: Number(values.train), detector: { sigmaK: k } });
    console.log(
      `${String(seed).padStart(4)} ${String(k).padStart(4)} ${r.precision.toFixed(4).padStart(10)} ${r.recall.toFixed(4).padStart(7)} ${r.f1.toFixed(4).padStart(6)} ${String(r.tp).padStart(6)} ${String(r.fp).padStart(5)} ${String(r.fn).padStart(5)} ${String(r.noHstv.abnormal).padStart(12)} ${r.trainSec.toFixed(3).padStart(8)} ${r.testSec.toFixed(3).padStart(7)}`,
    );
  }
}
