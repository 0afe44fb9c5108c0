// npm run sim:frontier -- [--seeds 1-3] [--delays 300-3000,1000-15000,...] [--abandon 0.4,0] [--preset quick|paper]
// The two simulator parameters the paper leaves open, swept: the response-time fault's network delay (drawn
// log-uniformly per fault in LO-HI ms) and the chance that a session ends at a failed step. For each point and
// seed, the test day's structure statistics that issue 16 sets targets on (structure-stats.ts): the anomalous and
// normal traces' median valid dimensions, the share of anomalous traces with a set of valid dimensions no normal
// trace has, and the rt/path mix. Structure only: no detector runs.
import { parseArgs } from 'node:util';
import { parseSeeds } from '../../src/harness/cli/experiment-command.ts';
import { exitOnError, scriptArgs } from '../../src/harness/cli/script.ts';
import { datasetFromTraces } from '../../src/harness/experiments/trace-dataset.ts';
import { simulateTrainTicket, trainTicketConfig, TRAINTICKET_PRESETS, type TrainTicketConfig, type TrainTicketPreset } from '../trainticket/simulate.ts';
import { structureStats, type StructureStats } from './structure-stats.ts';

/** Issue 16's targets: anomalous median within 30% of the released 10, normal within 2 of 2, unseen share, rt/path. */
export const TARGETS = { anomalousMedian: [7, 13], normalMedian: [0, 4], unseenSetShare: [0.6, 0.95], typeShare: [0.35, 0.65] } as const;

const within = (x: number, [lo, hi]: readonly [number, number]) => x >= lo && x <= hi;

/** Which of issue 16's targets a day's statistics meet. */
export function meetsTargets(s: StructureStats): { anomalousMedian: boolean; normalMedian: boolean; unseenSetShare: boolean; typeShares: boolean } {
  return {
    anomalousMedian: within(s.anomalousDims.median, TARGETS.anomalousMedian),
    normalMedian: within(s.normalDims.median, TARGETS.normalMedian),
    unseenSetShare: within(s.unseenSetShare, TARGETS.unseenSetShare),
    typeShares: ['rt', 'path'].every((t) => within(s.typeShares[t] ?? 0, TARGETS.typeShare)),
  };
}

/** The test day's structure statistics of one configuration (the training day fixes the STV dimensions). */
export function dayStructure(config: TrainTicketConfig): StructureStats {
  const sim = simulateTrainTicket(config);
  const d = datasetFromTraces({ name: 'trainticket-sim', description: sim.description, train: { traces: sim.train.traces! }, test: { traces: sim.test.traces!, labels: sim.test.labels! }, provenance: {} });
  return structureStats(d);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  exitOnError('sim:frontier');
  const { preset, seeds, delays, abandons } = scriptArgs('sim:frontier', () => {
    const { values: o } = parseArgs({ options: { seeds: { type: 'string' }, delays: { type: 'string' }, abandon: { type: 'string' }, preset: { type: 'string' } } });
    const preset = (o.preset ?? 'quick') as TrainTicketPreset;
    if (!(preset in TRAINTICKET_PRESETS)) throw new Error(`--preset must be quick or paper, not ${JSON.stringify(o.preset)}`);
    const delays = (o.delays ?? '300-3000,1000-15000,3000-30000,5000-60000,15000-60000').split(',').map((r) => r.split('-').map(Number) as [number, number]);
    const abandons = (o.abandon ?? '0.4,0').split(',').map(Number);
    if (delays.some((d) => d.length !== 2 || !(d[0] > 0) || !(d[1] >= d[0]))) throw new Error(`--delays takes LO-HI ranges in ms (0 < LO <= HI), comma separated, not ${JSON.stringify(o.delays)}`);
    if (abandons.some((x) => !(x >= 0 && x <= 1))) throw new Error(`--abandon takes chances in [0, 1], comma separated, not ${JSON.stringify(o.abandon)}`);
    return { preset, seeds: parseSeeds(o.seeds ?? '1-3'), delays, abandons };
  });
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const mark = (ok: boolean) => (ok ? '' : ' ✗');
  console.log(`Structure of the simulated test day (${preset}) by rt-fault delay and session abandonment; ✗: outside issue 16's target\n`);
  console.log('| abandon | delay (s) | seed | anomalous dims: median (quartiles) | normal median | unseen set | rt / path | rt: median, unseen | path: median, unseen |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const total = abandons.length * delays.length * seeds.length;
  let done = 0;
  let all = 0;
  const t0 = Date.now();
  for (const abandon of abandons) {
    for (const delayMs of delays) {
      for (const seed of seeds) {
        const s = dayStructure(trainTicketConfig(preset, seed, { rtDelayMs: delayMs, abandon }));
        const ok = meetsTargets(s);
        if (Object.values(ok).every(Boolean)) all++;
        const a = s.anomalousDims;
        const type = (t: string) => (s.byType[t] ? `${s.byType[t].dims.median}, ${pct(s.byType[t].unseenSetShare)}` : '-');
        console.log(
          `| ${abandon} | ${delayMs.map((x) => x / 1000).join('-')} | ${seed} | ${a.median} (${a.q1}-${a.q3})${mark(ok.anomalousMedian)} | ${s.normalDims.median}${mark(ok.normalMedian)} | ${pct(s.unseenSetShare)}${mark(ok.unseenSetShare)} | ${pct(s.typeShares.rt ?? 0)} / ${pct(s.typeShares.path ?? 0)}${mark(ok.typeShares)} | ${type('rt')} | ${type('path')} |`,
        );
        done++;
        const eta = ((Date.now() - t0) / done) * (total - done);
        process.stderr.write(`[${done}/${total}] abandon ${abandon}, delay ${delayMs.join('-')} ms, seed ${seed}; ETA ${Math.round(eta / 1000)} s\n`);
      }
    }
  }
  console.log(`\n${all} of ${total} points meet every target`);
}
