// npm run sim:sanity -- [--preset quick|paper] [--seed N] [--rt-delay-ms LO,HI] [--abandon P] [--detectors] [--data DIR]
// The simulated TrainTicket day beside the released TrainTicket vectors, on the same structural statistics
// (structure-stats.ts); with --detectors also the AUPRC of TraceAnomaly (quick settings) and HSTV-3sigma on each.
import { parseArgs } from 'node:util';
import type { Dataset } from '../../src/lib/contracts/dataset.ts';
import type { Detector } from '../../src/lib/contracts/detector.ts';
import { builtinRegistry } from '../../src/harness/experiments/builtins.ts';
import type { DetectionMethod } from '../../src/harness/experiments/registry.ts';
import { withoutLabels } from '../../src/harness/experiments/run-cell.ts';
import { averagePrecision, prCurve } from '../../src/lib/metrics/pr-curve.ts';
import { dataRoot } from '../../src/lib/util/data-root.ts';
import { TRAINTICKET_OPTIONS } from '../../src/harness/experiments/generators.ts';
import { optionFlags, optionsFromFlags } from '../../src/lib/options/schema.ts';
import { exitOnError, scriptArgs } from '../../src/harness/cli/script.ts';
import { parseSeeds } from '../../src/harness/cli/experiment-command.ts';
import { structureStats, type StructureStats } from './structure-stats.ts';

/** TraceAnomaly as the sanity figure runs it: a short budget and L_z 50 (minutes, not the default's hour). */
export const QUICK_TRACEANOMALY = { maxSteps: 1000, samples: 50 };

export async function detectorAuprc(d: Dataset, method: string, options: Record<string, unknown>, seed: number): Promise<number> {
  const entry = builtinRegistry().method(method) as DetectionMethod;
  const det: Detector = await entry.create({ seed, quick: false, options });
  await det.fit(withoutLabels(d.train));
  const scores = await det.score(withoutLabels(d.test));
  const ids = d.test.stv?.ids ?? d.test.traces!.map((t) => t.id);
  return averagePrecision(prCurve(ids.map((id) => d.test.labels!.get(id)!.label), scores));
}

const pct = (x: number) => (Number.isNaN(x) ? '-' : `${(100 * x).toFixed(1)}%`);
const q = (s: StructureStats['normalDims']) => `${s.median} (${s.q1}-${s.q3})`;

export function sideBySide(columns: [string, StructureStats, Record<string, number>?][]): string {
  const row = (label: string, f: (s: StructureStats, a?: Record<string, number>) => string) => `| ${label} | ${columns.map(([, s, a]) => f(s, a)).join(' | ')} |`;
  const lines = [
    `| | ${columns.map(([n]) => n).join(' | ')} |`,
    `| --- | ${columns.map(() => '---').join(' | ')} |`,
    row('normal / anomalous test traces', (s) => `${s.normal.toLocaleString('en-US')} / ${s.anomalous.toLocaleString('en-US')}`),
    row('valid dimensions, normal: median (quartiles)', (s) => q(s.normalDims)),
    row('valid dimensions, anomalous: median (quartiles)', (s) => q(s.anomalousDims)),
    row('distinct sets of valid dimensions, normal / anomalous', (s) => `${s.normalSets} / ${s.anomalousSets}`),
    row('anomalous with a set no normal trace has', (s) => pct(s.unseenSetShare)),
    row('... of those, a strict subset / superset of a normal set', (s) => `${pct(s.unseenSubsetShare)} / ${pct(s.unseenSupersetShare)}`),
    row('rt / path share of the anomalies', (s) => (s.typeShares.rt === undefined ? 'not labelled (paper: 53% / 47%)' : `${pct(s.typeShares.rt)} / ${pct(s.typeShares.path ?? 0)}`)),
    row('anomalous with an unseen call path', (s) => pct(s.unseenPathShare)),
    row('flow with most anomalies: dimensions; share of anomalous / of normal traces', (s) => `${s.topFlow.dims}; ${pct(s.topFlow.anomalousShare)} / ${pct(s.topFlow.normalShare)}`),
  ];
  if (columns.some(([, , a]) => a)) {
    for (const m of Object.keys(columns.find(([, , a]) => a)![2]!)) lines.push(row(`AUPRC, ${m}`, (_s, a) => (a?.[m] === undefined ? '-' : a[m].toFixed(3))));
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // preset and the open parameters are the trainticket generator's options, checked by its schema
  const OPEN = ['rtDelayMs', 'abandon'];
  exitOnError('sim:sanity');
  const { o, open, preset, seed } = scriptArgs('sim:sanity', () => {
    const { values: o } = parseArgs({ options: { seed: { type: 'string' }, detectors: { type: 'boolean' }, data: { type: 'string' }, ...optionFlags(TRAINTICKET_OPTIONS, ['preset', ...OPEN]) } });
    const { preset = 'quick', ...open } = optionsFromFlags(TRAINTICKET_OPTIONS, o, ['preset', ...OPEN]);
    const seeds = parseSeeds(o.seed ?? '1');
    if (seeds.length !== 1) throw new Error(`--seed takes one seed, found ${o.seed}`);
    return { o, open, preset, seed: seeds[0] };
  });
  const registry = builtinRegistry();
  const ctx = { seed, quick: preset === 'quick', dataRoot: dataRoot(o.data), log: (l: string) => process.stderr.write(`${l}\n`) };
  const columns: [string, StructureStats, Record<string, number>?][] = [];
  for (const [label, name, options] of [
    [`simulated (${preset}, seed ${seed}${Object.keys(open).length ? `, ${JSON.stringify(open)}` : ''})`, 'trainticket', { preset, ...open }],
    ['released vectors', 'trainticket-released', {}],
  ] as const) {
    const d = await registry.dataset(name).load({ ...ctx, options });
    const stats = structureStats(d, { trainIsTestDay: name === 'trainticket-released' });
    let auprc: Record<string, number> | undefined;
    if (o.detectors) {
      process.stderr.write(`${label}: fitting TraceAnomaly and HSTV-3sigma\n`);
      auprc = { 'TraceAnomaly (quick settings)': await detectorAuprc(d, 'traceanomaly', QUICK_TRACEANOMALY, seed), 'HSTV-3sigma': await detectorAuprc(d, 'hstv-3sigma', {}, seed) };
    }
    columns.push([label, stats, auprc]);
  }
  console.log(sideBySide(columns));
}
