// npm run bench:baselines [-- --train 20000 --test 5000 --calls 50,100 --methods wfg,cfg --jitter 0,1]
// Train / score throughput of the non-neural baselines on synthetic traces (one core), and the share of the
// (all normal) test traces each flags. jitter = sd (ms) of noise added to send times, which reorders calls
// that are 2 ms apart: 0 gives 8 distinct sequences, 1 gives a new order in almost every trace.
import { parseArgs } from 'node:util';
import type { Trace } from '../src/lib/trace/trace.ts';
import { Random } from '../src/lib/util/random.ts';
import { createDetector } from '../src/harness/registry/create.ts';

const BASELINE_NAMES = ['wfg', 'cfg', 'cpd', 'rule', 'hstv-3sigma'];
import { syntheticTraces } from './synthetic-traces.ts';
import { exitOnError } from '../src/harness/cli/script.ts';

exitOnError('bench:baselines');
const { values } = parseArgs({
  options: {
    train: { type: 'string', default: '20000' },
    test: { type: 'string', default: '5000' },
    calls: { type: 'string', default: '50,100' },
    methods: { type: 'string', default: BASELINE_NAMES.join(',') },
    jitter: { type: 'string', default: '0,1' },
  },
});
const nTrain = Number(values.train);
const nTest = Number(values.test);
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

function jittered(traces: Trace[], sd: number, seed: number): Trace[] {
  if (sd === 0) return traces;
  const rng = new Random(seed);
  return traces.map((t) => ({
    id: t.id,
    calls: t.calls.map((c, k) => {
      if (k === 0) return c;
      const d = rng.normal() * sd;
      return { ...c, callSent: c.callSent! + d, callReceived: c.callReceived + d, responseSent: c.responseSent + d };
    }),
  }));
}

console.log(`train ${fmt(nTrain)} / test ${fmt(nTest)} normal synthetic traces, 8 templates, 20 services`);
console.log('method       calls jitter   train s  train tr/s   score tr/s  flagged');
for (const calls of values.calls.split(',').map(Number)) {
  for (const sd of values.jitter.split(',').map(Number)) {
    const all = jittered(syntheticTraces(nTrain + nTest, calls, 8, 20, 1), sd, 2);
    const train = all.slice(0, nTrain);
    const test = all.slice(nTrain);
    for (const name of values.methods.split(',')) {
      const det = createDetector(name);
      const t0 = performance.now();
      await det.fit({ traces: train });
      const t1 = performance.now();
      const scores = await det.score({ traces: test });
      const t2 = performance.now();
      let flagged = 0;
      for (const f of det.decide(scores)) flagged += f;
      const trainSec = (t1 - t0) / 1000;
      console.log(
        `${name.padEnd(12)} ${String(calls).padStart(5)} ${String(sd).padStart(6)} ${trainSec.toFixed(2).padStart(9)} ${(trainSec < 0.001 ? '-' : fmt(nTrain / trainSec)).padStart(11)} ${fmt(nTest / ((t2 - t1) / 1000)).padStart(12)} ${((100 * flagged) / nTest).toFixed(1).padStart(7)}%`,
      );
    }
  }
}
