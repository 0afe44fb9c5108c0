// npm run sim:sanity -- [trainticket|services] [quick|paper] [seed]
// Prints which share of each kind of test trace the structure-aware 3-sigma check flags (the README's sanity figure).
import { CallPathList } from '../../src/callpaths/call-path-list.ts';
import type { Trace } from '../../src/trace/trace.ts';
import type { SimTrace } from '../sim/run.ts';
import { SERVICES_PRESETS, serviceDays } from '../services/simulate.ts';
import { TABLE_I } from '../services/table1.ts';
import { TRAINTICKET_PRESETS, trainTicketDays } from '../trainticket/simulate.ts';
import { StructureThreeSigma } from './structure-3sigma.ts';

export function sanityFigure(train: Iterable<SimTrace>, test: Iterable<SimTrace>): Record<string, { traces: number; flagged: number }> {
  const traces: Trace[] = [];
  for (const s of train) traces.push(s.trace);
  const check = new StructureThreeSigma(CallPathList.fromTraces(traces)).fit(traces);
  const out: Record<string, { traces: number; flagged: number }> = {};
  for (const s of test) {
    const kind = s.label.label === 0 ? 'normal' : (s.label.anomalyType ?? 'anomalous');
    out[kind] ??= { traces: 0, flagged: 0 };
    out[kind].traces++;
    if (check.flags(s.trace)) out[kind].flagged++;
  }
  return out;
}

const print = (name: string, r: Record<string, { traces: number; flagged: number }>) =>
  console.log(`${name}: ${Object.entries(r).map(([k, v]) => `${k} ${((100 * v.flagged) / v.traces).toFixed(1)}% of ${v.traces}`).join(', ')}`);

if (import.meta.url === `file://${process.argv[1]}`) {
  const [what = 'trainticket', preset = 'quick', seedText = '1'] = process.argv.slice(2);
  const seed = Number(seedText);
  if (what === 'trainticket') {
    const days = trainTicketDays({ ...TRAINTICKET_PRESETS[preset as 'quick'], seed });
    print(`trainticket ${preset} seed ${seed}`, sanityFigure(days.train, days.test));
  } else {
    for (const spec of TABLE_I) {
      const days = serviceDays(spec, { ...SERVICES_PRESETS[preset as 'quick'], seed });
      print(`${spec.name} ${preset} seed ${seed}`, sanityFigure(days.train, days.test));
    }
  }
}
