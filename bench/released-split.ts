// npm run eval:released -- the released-data protocol of the README: TraceAnomaly trained on 20,000 shuffled
// normal traces of the released TrainTicket STVs and tested on the rest plus all anomalous traces.
// Options: --seeds 1,2,3 (default 1), --dataset trainticket-released-1k (the 1,000-trace form), any detector option as --max-epochs N, --samples N, --flow-length K,
// --workers N, --backend B; --out DIR (default reports/released-split) gets one JSON per seed; --model-out DIR saves
// each seed's trained model as DIR/seed-N (a model folder, for `traceanomaly detect`).
// Each seed also prints the held-out NLL of the kept weights (bestValidNll: label-free, for choosing options) and the
// test set broken down by the training support of each trace's flow (src/lib/metrics/flow-support.ts).
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { builtinRegistry } from '../src/harness/experiments/builtins.ts';
import { describeBackend, useBackend } from '../src/lib/backend/backend.ts';
import { TraceAnomalyDetector } from '../src/methods/traceanomaly/detector.ts';
import { saveModel } from '../src/harness/models/model-folder.ts';
import { fitProgress } from '../src/harness/cli/fit-progress.ts';
import { TRACEANOMALY_OPTIONS, type TraceAnomalyOptions } from '../src/methods/traceanomaly/options.ts';
import { optionFlags, optionsFromFlags } from '../src/lib/options/schema.ts';
import { writeFileAtomic, writeLinesAtomic } from '../src/lib/util/atomic-write.ts';
import { dataRoot, PROJECT_ROOT } from '../src/lib/util/data-root.ts';
import { Progress } from '../src/lib/util/progress.ts';
import { evaluateDetection } from '../src/lib/metrics/detection.ts';
import { meanStd } from '../src/lib/metrics/aggregate.ts';
import { flowSupport, supportBreakdown } from '../src/lib/metrics/flow-support.ts';
import { parseSeeds } from '../src/harness/cli/experiment-command.ts';
import { exitOnError, scriptArgs } from '../src/harness/cli/script.ts';

exitOnError('eval:released');
const { o, seeds, overrides } = scriptArgs('eval:released', () => {
  const { values: o } = parseArgs({
    options: {
      seeds: { type: 'string' },
      dataset: { type: 'string' },
      out: { type: 'string' },
      'model-out': { type: 'string' },
      // every detector option as its flag (--max-steps N, --calibration heldout, ...), checked by the option schema
      ...optionFlags(TRACEANOMALY_OPTIONS),
    },
  });
  const overrides: Partial<TraceAnomalyOptions> = optionsFromFlags(TRACEANOMALY_OPTIONS, o);
  return { o, seeds: parseSeeds(o.seeds ?? '1'), overrides };
});
const backend = await useBackend(overrides.backend ?? 'auto');
console.error(describeBackend(backend));
overrides.backend = backend.name;
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
  // how well training covers each test trace's flow (its exact set of valid dimensions): docs/decision-rule.md
  const supportById = new Map<string, number>();
  flowSupport(data.train.stv!, data.test.stv!).forEach((n, i) => supportById.set(data.test.stv!.ids[i], n));
  const support = supportBreakdown({ support: a.ids.map((id) => supportById.get(id)!), truth: labels, scores, flagged: a.anomalous });
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
    bestValidNll: report.bestValidNll,
    bestEpoch: report.bestEpoch,
    trainSec,
    testSec,
  };
  rows.push(row);
  console.log(JSON.stringify(row));
  console.log(`seed ${seed} by the training support of each test trace's flow: ${JSON.stringify(support)}`);
  await writeLinesAtomic(join(outDir, `seed-${seed}.scores.csv`), (function* () {
    yield 'trace_id,label,log_px,p_value,anomalous,unseen';
    for (let i = 0; i < a.ids.length; i++) yield [a.ids[i], labels[i], a.logPx[i], a.pValue[i], a.anomalous[i], a.unseen[i].length > 0 ? 1 : 0].join(',');
  })());
  await writeFileAtomic(join(outDir, `seed-${seed}.json`), `${JSON.stringify({ dataset: data.provenance, options: det.options, backend: backend.name, report, ...row, flowSupport: support }, null, 2)}\n`);
}
if (rows.length > 1) {
  const stat = (k: string) => {
    const { mean, std } = meanStd(rows.map((r) => r[k]));
    return `${k} ${mean.toFixed(4)} +- ${std.toFixed(4)}`;
  };
  console.log(`${rows.length} seeds: ${['auprc', 'precision', 'recall', 'f1'].map(stat).join(', ')}`);
}

