// npm run eval:released -- the released-data protocol of the README: TraceAnomaly trained on 20,000 shuffled
// normal traces of the released TrainTicket STVs and tested on the rest plus all anomalous traces.
// Options: --seeds 1,2,3 (default 1), --dataset trainticket-released-1k (the 1,000-trace form), any detector option as --max-epochs N, --samples N, --flow-length K,
// --workers N, --backend B; --out DIR (default reports/released-split) gets one JSON per seed; --model-out DIR saves
// each seed's trained model as DIR/seed-N (a model folder, for `traceanomaly detect`).
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { builtinRegistry } from '../src/experiments/builtins.ts';
import { describeBackend, useBackend, type BackendChoice } from '../src/backend/backend.ts';
import { TraceAnomalyDetector } from '../src/detector/traceanomaly-detector.ts';
import { saveModel } from '../src/detector/model-folder.ts';
import { fitProgress } from '../src/cli/fit-progress.ts';
import type { TraceAnomalyOptions } from '../src/detector/options.ts';
import { writeFileAtomic, writeLinesAtomic } from '../src/util/atomic-write.ts';
import { dataRoot, PROJECT_ROOT } from '../src/util/data-root.ts';
import { Progress } from '../src/util/progress.ts';
import { evaluateDetection } from '../src/metrics/detection.ts';
import { meanStd } from '../src/metrics/aggregate.ts';

const { values: o } = parseArgs({
  options: {
    seeds: { type: 'string' },
    dataset: { type: 'string' },
    'max-epochs': { type: 'string' },
    'max-steps': { type: 'string' },
    samples: { type: 'string' },
    'flow-length': { type: 'string' },
    workers: { type: 'string' },
    backend: { type: 'string' },
    patience: { type: 'string' },
    'valid-every-steps': { type: 'string' },
    'min-steps': { type: 'string' },
    'std-min': { type: 'string' },
    calibration: { type: 'string' },
    folds: { type: 'string' },
    alpha: { type: 'string' },
    'valid-samples': { type: 'string' },
    out: { type: 'string' },
    'model-out': { type: 'string' },
  },
});
const seeds = (o.seeds ?? '1').split(',').map(Number);
const backend = await useBackend((o.backend ?? 'auto') as BackendChoice);
console.error(describeBackend(backend));
const overrides: Partial<TraceAnomalyOptions> = { backend: backend.name };
if (o['max-epochs']) overrides.maxEpochs = Number(o['max-epochs']);
if (o['max-steps']) overrides.maxSteps = Number(o['max-steps']);
if (o.samples) overrides.samples = Number(o.samples);
if (o['flow-length']) overrides.flowLength = Number(o['flow-length']);
if (o.workers) overrides.workers = Number(o.workers);
if (o.patience) overrides.patience = Number(o.patience);
if (o['valid-every-steps']) overrides.validEverySteps = Number(o['valid-every-steps']);
if (o['min-steps']) overrides.minSteps = Number(o['min-steps']);
if (o['std-min']) overrides.stdMin = Number(o['std-min']);
if (o.calibration) overrides.calibration = o.calibration as TraceAnomalyOptions['calibration'];
if (o.folds) overrides.folds = Number(o.folds);
if (o.alpha) overrides.alpha = Number(o.alpha);
if (o['valid-samples']) overrides.validSamples = Number(o['valid-samples']);
const outDir = o.out ?? join(PROJECT_ROOT, 'reports', 'released-split');

// the built-in dataset file datasets/builtin/trainticket-released.json, as experiments load it
const released = builtinRegistry().dataset(o.dataset ?? 'trainticket-released');
const rows: Record<string, number>[] = [];
for (const seed of seeds) {
  const data = await released.load({ seed, quick: false, options: {}, dataRoot: dataRoot(), log: () => {} });
  const det = new TraceAnomalyDetector({ ...overrides, seed });
  const shown = fitProgress(`seed ${seed}`);
  const t0 = performance.now();
  await det.fit(data.train, shown.hooks);
  const trainSec = (performance.now() - t0) / 1000;
  shown.finish(det);
  const report = det.model.report!;
  if (o['model-out']) await saveModel(join(o['model-out'], `seed-${seed}`), det.model, det.options);
  const scoreBar = new Progress(`seed ${seed} score`, data.test.stv!.ids.length, 'traces');
  const t1 = performance.now();
  const a = await det.analyse(data.test, { progress: (e) => scoreBar.update(e.done) });
  const testSec = (performance.now() - t1) / 1000;
  scoreBar.done(a.ids.length);
  const labels = a.ids.map((id) => data.test.labels!.get(id)!.label);
  const scores = Float64Array.from(a.logPx, (v, i) => (a.unseen[i].length > 0 ? Infinity : -v));
  const { metrics: m } = evaluateDetection({ truth: labels, trueTypes: labels.map(() => null), scores, flagged: a.anomalous });
  const row = {
    seed,
    auprc: m.auprc,
    precision: m.precision,
    recall: m.recall,
    f1: m.f1,
    tp: m.tp,
    fp: m.fp,
    fn: m.fn,
    fpr: m.fpr!,
    ...Object.fromEntries(Object.entries(m.recallAtFpr!).map(([k, v]) => [`recallAtFpr${k}`, v])),
    unseen: a.unseen.filter((u) => u.length > 0).length,
    epochs: report.epochs,
    bestEpoch: report.bestEpoch,
    trainSec,
    testSec,
  };
  rows.push(row);
  console.log(JSON.stringify(row));
  await writeLinesAtomic(join(outDir, `seed-${seed}.scores.csv`), (function* () {
    yield 'trace_id,label,log_px,p_value,anomalous,unseen';
    for (let i = 0; i < a.ids.length; i++) yield [a.ids[i], labels[i], a.logPx[i], a.pValue[i], a.anomalous[i], a.unseen[i].length > 0 ? 1 : 0].join(',');
  })());
  await writeFileAtomic(join(outDir, `seed-${seed}.json`), `${JSON.stringify({ dataset: data.provenance, options: det.options, backend: backend.name, report, ...row }, null, 2)}\n`);
}
if (rows.length > 1) {
  const stat = (k: string) => {
    const { mean, std } = meanStd(rows.map((r) => r[k]));
    return `${k} ${mean.toFixed(4)} +- ${std.toFixed(4)}`;
  };
  console.log(`${rows.length} seeds: ${['auprc', 'precision', 'recall', 'f1'].map(stat).join(', ')}`);
}

