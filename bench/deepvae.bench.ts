// npm run bench:deepvae -- AEVB and OmniAnomaly at their default sizes on the simulated TrainTicket quick preset
// (19,355 training traces, 41 services): training samples/s (windows through SGVB steps), whole-fit time for a
// few epochs, and scoring traces/s on test traces.
// Options: --backend B (default auto), --epochs N (timed epochs per model, default 2), --traces N (test traces scored, default 5000).
import { parseArgs } from 'node:util';
import { AevbDetector } from '../baselines/aevb/aevb.ts';
import { OmniAnomalyDetector } from '../baselines/omnianomaly/omnianomaly.ts';
import { describeBackend, useBackend, type BackendChoice } from '../src/lib/backend/backend.ts';
import { simulateTrainTicket, TRAINTICKET_PRESETS } from '../datasets/trainticket/simulate.ts';
import { exitOnError } from '../src/harness/cli/script.ts';

exitOnError('bench:deepvae');
const { values: o } = parseArgs({ options: { backend: { type: 'string' }, epochs: { type: 'string' }, traces: { type: 'string' } } });
const backend = (o.backend ?? 'auto') as BackendChoice;
const info = await useBackend(backend);
const epochs = Number(o.epochs ?? 2);
const ds = simulateTrainTicket(TRAINTICKET_PRESETS.quick, 'quick');
const train = ds.train.traces!;
const test = ds.test.traces!.slice(0, Number(o.traces ?? 5000));
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
console.log(`${describeBackend(info)}; trainticket quick: ${fmt(train.length)} training traces, scoring ${fmt(test.length)} test traces; ${epochs} epochs per model (early stopping off)`);

{
  const det = new AevbDetector({ epochs, patience: epochs + 1, backend });
  let t0 = performance.now();
  await det.fit({ traces: train });
  const fitSec = (performance.now() - t0) / 1000;
  const vaes = det.summary.filter((s) => s.model === 'vae');
  const loopSec = vaes.reduce((a, s) => a + (s.trainSeconds ?? 0), 0);
  const samples = det.trainedSamples;
  t0 = performance.now();
  await det.score({ traces: test });
  const scoreSec = (performance.now() - t0) / 1000;
  console.log(`aevb: ${vaes.length} VAEs (window ${det.options.window}, hidden ${det.options.hidden.join('x')}, batch ${det.options.batchSize}): training ${fmt(samples / loopSec)} samples/s (${fmt(samples)} windows in ${loopSec.toFixed(1)} s), fit ${fitSec.toFixed(1)} s in all; scoring ${fmt(test.length / scoreSec)} traces/s`);
}

{
  const det = new OmniAnomalyDetector({ epochs, patience: epochs + 1, backend });
  let t0 = performance.now();
  await det.fit({ traces: train });
  const fitSec = (performance.now() - t0) / 1000;
  const r = det.model.report;
  t0 = performance.now();
  await det.score({ traces: test });
  const scoreSec = (performance.now() - t0) / 1000;
  const s = det.model.spec;
  console.log(`omnianomaly (window ${s.window}, ${s.features} features, GRU ${s.rnnHidden}, dense ${s.denseDim}, ${s.flowLength} planar, batch ${det.options.batchSize}): training ${fmt(r.samplesPerSecond)} windows/s, fit ${fitSec.toFixed(1)} s in all (${r.trainSeconds.toFixed(1)} s training); scoring ${fmt(test.length / scoreSec)} traces/s`);
}
