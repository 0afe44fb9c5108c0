import type { Trace } from '../trace/trace.ts';
import type { EventSequence } from './linearise.ts';
import { Bands, GroupIndex, GroupMoments, type SigmaRule } from '../decision/three-sigma.ts';

/**
 * Which times a 3-sigma rule judges, grouped how (spec 1.5, 1.6):
 * - `transition`: the time from an event to the next, per pair of consecutive keys (WFG's transition-time rule
 *   with the bigram automaton's edges: the state is the last key read);
 * - `key`: each call's response time, per call key (spec 3.2 step 4);
 * - `path`: each call's response time, per call path (the keys from the entrance down to the call).
 */
export const TIME_GROUPS = ['transition', 'key', 'path'] as const;
export type TimeGroup = (typeof TIME_GROUPS)[number];

/** Calls `fn(group, value, event)` for every time of a linearised trace that `group` judges. */
export function forEachTime(trace: Trace, events: EventSequence, group: TimeGroup, fn: (group: string, value: number, event: number) => void): void {
  const n = events.keys.length;
  if (group === 'transition') {
    for (let j = 1; j < n; j++) fn(`${events.keys[j - 1]} -> ${events.keys[j]}`, events.time[j] - events.time[j - 1], j);
    return;
  }
  const paths = group === 'path' ? callPaths(trace, events) : null;
  for (let j = 0; j < n; j++) {
    if (events.end[j]) continue;
    fn(paths ? paths[events.call[j]] : events.keys[j], events.rt[j], j);
  }
}

/** The call path of each call (keys from the entrance down, joined by ' > '), from the events' keys. */
function callPaths(trace: Trace, events: EventSequence): string[] {
  const calls = trace.calls;
  const key: string[] = new Array(calls.length);
  for (let j = 0; j < events.keys.length; j++) if (!events.end[j]) key[events.call[j]] = events.keys[j];
  const out: string[] = new Array(calls.length);
  const visit = (i: number, depth: number): string => {
    if (out[i] !== undefined) return out[i];
    const p = calls[i].parent;
    const own = key[i] ?? '';
    // a parent cycle (readers reject those) is cut after calls.length hops
    out[i] = p === undefined || p < 0 || p >= calls.length || p === i || depth > calls.length ? own : `${visit(p, depth + 1)} > ${own}`;
    return out[i];
  };
  for (let i = 0; i < calls.length; i++) visit(i, 0);
  return out;
}

/** Per-group 3-sigma bands of the training times (spec 1.6), and the judgement of a trace's times. */
export class TimeBands {
  private constructor(
    private readonly group: TimeGroup,
    private readonly index: GroupIndex<string>,
    readonly bands: Bands,
  ) {}

  static fit(samples: Iterable<[Trace, EventSequence]>, group: TimeGroup, rule: SigmaRule): TimeBands {
    const index = new GroupIndex<string>();
    const moments = new GroupMoments();
    for (const [trace, events] of samples) forEachTime(trace, events, group, (g, x) => moments.add(index.id(g, true), x));
    return new TimeBands(group, index, moments.bands(rule, index.size));
  }

  /**
   * Calls `fn(deviation, describe)` for every judged time of a trace (deviation in sigmas, |z| or one-sided
   * z; groups unseen or with fewer than nMin training samples are not judged).
   */
  judge(trace: Trace, events: EventSequence, fn: (deviation: number, describe: () => string) => void): void {
    forEachTime(trace, events, this.group, (g, x) => {
      const id = this.index.id(g);
      const z = this.bands.z(id, x);
      if (Number.isNaN(z)) return;
      fn(this.bands.deviation(z), () => `${g}: ${x} ms; band ${this.bands.mu[id].toFixed(2)} +- ${this.bands.rule.k} x ${this.bands.sigma[id].toFixed(2)}`);
    });
  }
}
