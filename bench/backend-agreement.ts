// npm run bench:agreement -- the onnx backend's scores beside the wasm backend's, on the released split (issue 22):
// TraceAnomaly is trained once (default options on the backend --backend picks, auto by default; or --model DIR, a
// model folder from `eval:released --model-out` or `traceanomaly train`), then the test traces are scored by both
// backends with the same model and decision KDE. Prints how far log p(x) moves (absolute and relative, max and 99.9th percentile), how many verdicts
// agree, and each backend's scoring time. Options: --seed N (default 1), --dataset NAME (default
// trainticket-released), --model DIR, --model-out DIR (keeps the trained model), any detector option as its flag.
import { parseArgs } from 'node:util';
import { builtinRegistry } from '../src/harness/experiments/builtins.ts';
import { fitProgress } from '../src/harness/cli/fit-progress.ts';
import { loadModel, saveModel } from '../src/harness/models/model-folder.ts';
import { describeBackend, useBackend, type BackendChoice } from '../src/lib/backend/backend.ts';
import { optionFlags, optionsFromFlags } from '../src/lib/options/schema.ts';
import { dataRoot } from '../src/lib/util/data-root.ts';
import { Progress } from '../src/lib/util/progress.ts';
import { TraceAnomalyDetector } from '../src/methods/traceanomaly/detector.ts';
import { TRACEANOMALY_OPTIONS, type TraceAnomalyOptions } from '../src/methods/traceanomaly/options.ts';
import { evaluateDetection } from '../src/lib/metrics/detection.ts';
import { exitOnError } from '../src/harness/cli/script.ts';

exitOnError('bench:agreement');
const { values: o } = parseArgs({
  options: { seed: { type: 'string' }, dataset: { type: 'string' }, model: { type: 'string' }, 'model-out': { type: 'string' }, ...optionFlags(TRACEANOMALY_OPTIONS) },
});
const seed = Number(o.seed ?? 1);
const overrides: Partial<TraceAnomalyOptions> = optionsFromFlags(TRACEANOMALY_OPTIONS, o);
const data = await builtinRegistry()
  .dataset(o.dataset ?? 'trainticket-released')
  .load({ seed, quick: false, options: {}, dataRoot: dataRoot(), log: () => {} });

const trained = new TraceAnomalyDetector({ ...overrides, seed });
console.error(describeBackend(await useBackend(trained.options.backend)));
if (o.model) {
  const saved = await loadModel(o.model);
  trained.useModel(saved.model);
} else {
  const shown = fitProgress(`seed ${seed}`);
  await trained.fit(data.train, shown.hooks);
  shown.finish(trained);
  if (o['model-out']) await saveModel(o['model-out'], trained.model, trained.options);
}

const runs: { backend: BackendChoice; logPx: Float64Array; anomalous: Uint8Array; seconds: number }[] = [];
for (const backend of ['wasm', 'onnx'] as const) {
  console.error(describeBackend(await useBackend(backend)));
  const det = new TraceAnomalyDetector({ ...trained.options, backend });
  det.useModel(trained.model);
  const bar = new Progress(`score (${backend})`, data.test.stv!.ids.length, 'traces');
  const t0 = performance.now();
  const a = await det.analyse(data.test, { progress: (e) => bar.update(e.done) });
  bar.done(a.ids.length);
  const seconds = (performance.now() - t0) / 1000;
  const truth = a.ids.map((id) => data.test.labels!.get(id)!.label);
  const scores = Float64Array.from(a.logPx, (v, i) => (a.unseen[i].length > 0 ? Infinity : -v));
  const { metrics: m } = evaluateDetection({ truth, trueTypes: truth.map(() => null), scores, flagged: a.anomalous });
  console.error(`${backend}: AUPRC ${m.auprc.toFixed(5)}, precision ${m.precision.toFixed(5)}, recall ${m.recall.toFixed(5)}, ${m.fp} false positives, scored in ${seconds.toFixed(1)} s`);
  runs.push({ backend, logPx: a.logPx, anomalous: a.anomalous, seconds });
}

const [w, x] = runs;
const abs: number[] = [];
const rel: number[] = [];
for (let i = 0; i < w.logPx.length; i++) {
  if (!Number.isFinite(w.logPx[i])) continue;
  const d = Math.abs(w.logPx[i] - x.logPx[i]);
  abs.push(d);
  rel.push(d / Math.max(1, Math.abs(w.logPx[i])));
}
const q = (v: number[], p: number) => v.slice().sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(p * v.length))];
const agree = w.anomalous.reduce((s, v, i) => s + (v === x.anomalous[i] ? 1 : 0), 0);
const n = w.anomalous.length;
const flips = w.anomalous.reduce((s, v, i) => s + (v !== x.anomalous[i] ? 1 : 0), 0);
console.log(
  JSON.stringify({
    seed,
    traces: n,
    scored: abs.length,
    maxAbs: Math.max(...abs),
    p999Abs: q(abs, 0.999),
    maxRel: Math.max(...rel),
    p999Rel: q(rel, 0.999),
    medianRel: q(rel, 0.5),
    verdictsAgree: agree / n,
    verdictFlips: flips,
    wasmFlagged: w.anomalous.reduce((s, v) => s + v, 0),
    onnxFlagged: x.anomalous.reduce((s, v) => s + v, 0),
    wasmScoreSec: w.seconds,
    onnxScoreSec: x.seconds,
  }),
);
