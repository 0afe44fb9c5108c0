// npm run bench:localizers [-- --seeds 1,2,3 --per-minute 8,60 --train 20000 --data DIR]
// 1. The four root-cause localisers as experiment cells on the planted-fault service (baselines/shared/
//    fault-scenario.ts: rt faults at db, cache and user, a slow external API behind payment, db removed):
//    Precision@1/2/3 by service, P@1 by dimension, Table V's internal / external successes, fit and rank seconds.
// 2. TraceAnomaly's localiser on the released TrainTicket STVs (vector only: dimension indexes, no call paths):
//    fitted on a seeded draw of normal test traces, asked for every anomalous trace; how many had HSTVs, and time.
import { parseArgs } from 'node:util';
import { DEFAULT_FAULTS, faultScenario } from '../test/helpers/fault-scenario.ts';
import { loadReleased } from '../src/harness/experiments/hstv-released-split.ts';
import { methodEntry } from '../src/harness/experiments/builtins.ts';
import { METHODS } from '../src/harness/registry/methods.ts';

const localizationMethods = METHODS.filter((m) => m.kind === 'localization').map(methodEntry);
import { runCell } from '../src/harness/experiments/run-cell.ts';
import type { LocalizationMethod } from '../src/harness/experiments/registry.ts';
import { TraceAnomalyLocalizer } from '../src/methods/traceanomaly-rca/localizer.ts';
import { selectRows } from '../src/lib/stv/matrix.ts';
import { releasedTrainTicketFiles } from '../src/lib/util/data-root.ts';
import { Random } from '../src/lib/util/random.ts';
import { exitOnError } from '../src/harness/cli/script.ts';

exitOnError('bench:localizers');
const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3' },
    'per-minute': { type: 'string', default: '8,60' },
    train: { type: 'string', default: '20000' },
    data: { type: 'string' },
  },
});
const f = (x: number | null | undefined, d = 3) => (x === null || x === undefined ? '-' : x.toFixed(d));

console.log('planted faults: 130 minutes of traffic, 5 faults of 5 minutes; MEPFL trained on a second injection run');
console.log('tr/min seed method             cases   P@1    P@2    P@3  dimP@1  internal  external  fit s  rank s');
for (const perMinute of values['per-minute'].split(',').map(Number)) {
  for (const seed of values.seeds.split(',').map(Number)) {
    const ds = faultScenario({ seed, minutes: 130, perMinute, faults: DEFAULT_FAULTS, train: 300 });
    for (const m of localizationMethods) {
      const out = await runCell(m as LocalizationMethod, { seed, quick: false, options: {} }, ds, {});
      const p = out.ranking!.precisionAtK;
      const v = out.values!;
      console.log(
        `${String(perMinute).padStart(6)} ${String(seed).padStart(4)} ${m.name.padEnd(18)} ${String(out.ranking!.cases).padStart(5)} ${f(p[1]).padStart(6)} ${f(p[2]).padStart(6)} ${f(p[3]).padStart(6)} ${f(v['dimension.p@1']).padStart(7)} ${`${f(v['internal.localized'], 0)}/${v['internal.cases']}`.padStart(9)} ${`${f(v['external.localized'], 0)}/${v['external.cases']}`.padStart(9)} ${f(out.times.trainSec).padStart(6)} ${f(out.times.testSec).padStart(7)}`,
      );
    }
  }
}

const files = releasedTrainTicketFiles(values.data);
if (files === null) {
  console.log('\nreleased TrainTicket STVs not found: part 2 skipped');
} else {
  const { normal, abnormal } = await loadReleased(files);
  const n = Number(values.train);
  console.log(`\nreleased TrainTicket STVs: fit on ${n} normal traces (seeded draw), localise all ${abnormal.ids.length} anomalous ones`);
  console.log('seed   hstv  common-path  nearest-set  no candidate  fit s  rank s  rank tr/s');
  for (const seed of values.seeds.split(',').map(Number)) {
    const train = selectRows(normal, new Random(seed).permutation(normal.ids.length).subarray(0, n));
    const loc = new TraceAnomalyLocalizer();
    const t0 = performance.now();
    await loc.fit({ stv: train });
    const t1 = performance.now();
    const d = loc.diagnose({ stv: abnormal }, [...abnormal.ids.keys()]);
    const t2 = performance.now();
    const count = (mode: string) => d.filter((x) => x.mode === mode).length;
    const none = d.filter((x) => x.candidates.length === 0).length;
    console.log(
      `${String(seed).padStart(4)} ${String(count('hstv')).padStart(6)} ${String(count('common-path')).padStart(12)} ${String(count('nearest-set')).padStart(12)} ${String(none).padStart(13)} ${f((t1 - t0) / 1000).padStart(6)} ${f((t2 - t1) / 1000).padStart(7)} ${Math.round(abnormal.ids.length / ((t2 - t1) / 1000)).toString().padStart(10)}`,
    );
  }
}
