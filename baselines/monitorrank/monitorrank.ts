import type { DataSplit, DetectorInput } from '../../src/lib/contracts/dataset.ts';
import type { Localizer, RootCauseCandidate } from '../../src/lib/contracts/localizer.ts';
import { ENTRANCE, responseTime, type Call, type Trace } from '../../src/lib/trace/trace.ts';
import { groupIncidents, traceStart, type Incident } from '../../src/lib/trace-features/incidents.ts';
import { requireTraces } from '../../src/lib/detector/trace-detector.ts';
import { bool, choice, defaultsOf, int, num, optionSchema, type OptionsOf } from '../../src/lib/options/schema.ts';
import { monitorRankWalk, pearson } from './random-walk.ts';

export const MONITORRANK_NODES = ['service', 'service-endpoint'] as const;

/**
 * MonitorRank (Kim, Sumbaly, Shah, SIGMETRICS'13; spec sec. 9, trace adaptation [I]). Incidents are runs of
 * anomalous traces (`incidentGapMin` apart at most, src: src/lib/trace-features/incidents.ts). For each, over the
 * traces that started from `historyMin` minutes before its first anomalous trace to its last one, every node (a
 * microservice, or `service-endpoint`: service and endpoint) gets a series of mean response times per
 * `bucketSec` bucket (an empty bucket repeats the last value); the call graph is the calls among those traces; the
 * frontend is the entrance service of most of the incident's traces. S_i = |Pearson(frontend, i)| (with fewer
 * than `minBuckets` buckets, correlations are noise: all S are 0 and the walk follows the graph alone), then
 * the random walk of random-walk.ts. Every anomalous trace of an incident gets the incident's ranking: nodes by
 * visit probability, the frontend left out (`excludeFrontend`). Pseudo-anomaly clustering is not implemented
 * (optional in the spec, off by default). `cleanHistory` [I]: buckets of the history that overlap another
 * incident are left out, so that an earlier fault's spike (the testbed injects one every ~20 minutes, closer than
 * the 60-minute history) does not decide the correlations of the next one.
 */
export const MONITORRANK_OPTIONS = optionSchema({
  rho: num(0.1, { min: 0 }, { doc: 'Weight of a backward edge (callee to caller) relative to the forward one' }),
  alpha: num(0.85, { min: 0, max: 1 }, { doc: 'Probability that the walk follows an edge rather than teleporting (personalised PageRank)' }),
  tol: num(1e-10, { min: 0 }, { doc: 'The walk stops when the L1 change of the visit probabilities falls below this' }),
  maxIter: int(200, { min: 1 }, { doc: 'Upper bound on walk iterations' }),
  bucketSec: num(60, { gt: 0 }, { doc: 'Width of a response-time series bucket, in seconds' }),
  historyMin: num(60, { min: 0 }, { doc: "Minutes of traffic before an incident's first anomalous trace that the series cover" }),
  incidentGapMin: num(5, { min: 0 }, { doc: 'Anomalous traces at most this many minutes apart form one incident' }),
  minBuckets: int(10, { min: 0 }, { doc: 'Fewest buckets for the correlations to count; with fewer the walk follows the call graph alone' }),
  node: choice(MONITORRANK_NODES, 'service', { doc: 'What a node of the call graph is: a microservice, or a service and endpoint' }),
  excludeFrontend: bool(true, { doc: 'Leave the frontend out of the ranking' }),
  cleanHistory: bool(true, { doc: 'Leave out the history buckets that overlap another incident' }),
});

export type MonitorRankOptions = OptionsOf<typeof MONITORRANK_OPTIONS>;

export const MONITORRANK_DEFAULTS: MonitorRankOptions = defaultsOf(MONITORRANK_OPTIONS);

export class MonitorRankLocalizer implements Localizer {
  readonly name = 'monitorrank';
  readonly supervised = false;
  readonly options: Readonly<MonitorRankOptions>;

  constructor(options: Partial<MonitorRankOptions> = {}) {
    this.options = { ...MONITORRANK_DEFAULTS, ...options };
  }

  /** Nothing to learn: the history is the traffic before each incident. */
  async fit(train: DataSplit): Promise<void> {
    requireTraces(train, this.name);
  }

  async rank(data: DetectorInput, rows: number[]): Promise<RootCauseCandidate[][]> {
    const traces = requireTraces(data, this.name);
    const starts = Float64Array.from(traces, traceStart);
    const byTime = [...traces.keys()].sort((a, b) => starts[a] - starts[b]);
    const out = new Map<number, RootCauseCandidate[]>();
    const incidents = groupIncidents(starts, rows, this.options.incidentGapMin * 60_000);
    for (const inc of incidents) {
      const ranking = this.rankIncident(traces, starts, byTime, inc, this.options.cleanHistory ? incidents.filter((x) => x !== inc) : []);
      for (const r of inc.rows) out.set(r, ranking.map((c) => ({ ...c })));
    }
    return rows.map((r) => out.get(r)!);
  }

  private nodeOf(call: Call): string {
    return this.options.node === 'service-endpoint' && call.endpoint !== undefined ? `${call.callee}#${call.endpoint}` : call.callee;
  }

  private rankIncident(traces: Trace[], starts: Float64Array, byTime: number[], inc: Incident, others: Incident[]): RootCauseCandidate[] {
    const o = this.options;
    const bucketMs = o.bucketSec * 1000;
    const from = inc.start - o.historyMin * 60_000;
    const total = Math.floor((inc.end - from) / bucketMs) + 1;
    // history buckets kept (those of other incidents left out), renumbered 0..buckets-1
    const slot = new Int32Array(total).fill(-1);
    let buckets = 0;
    for (let b = 0; b < total; b++) {
      const lo = from + b * bucketMs;
      const hi = lo + bucketMs;
      if (!others.some((x) => x.start < hi && x.end >= lo)) slot[b] = buckets++;
    }
    const ids = new Map<string, number>();
    const services: string[] = [];
    const sums: Float64Array[] = [];
    const counts: Int32Array[] = [];
    const edges: [number, number][] = [];
    const edgeSet = new Set<number>();
    const id = (name: string, service: string): number => {
      let i = ids.get(name);
      if (i === undefined) {
        ids.set(name, (i = services.length));
        services.push(service);
        sums.push(new Float64Array(buckets));
        counts.push(new Int32Array(buckets));
      }
      return i;
    };
    for (let k = lowerBound(byTime, starts, from); k < byTime.length && starts[byTime[k]] <= inc.end; k++) {
      const t = traces[byTime[k]];
      const b = slot[Math.floor((starts[byTime[k]] - from) / bucketMs)];
      if (b < 0) continue;
      const nodes = t.calls.map((c) => id(this.nodeOf(c), c.callee));
      t.calls.forEach((c, ci) => {
        sums[nodes[ci]][b] += responseTime(c);
        counts[nodes[ci]][b]++;
        if (c.caller === ENTRANCE) return;
        const caller = c.parent !== undefined ? nodes[c.parent] : id(c.caller, c.caller);
        const key = caller * 1_000_003 + nodes[ci];
        if (!edgeSet.has(key)) {
          edgeSet.add(key);
          edges.push([caller, nodes[ci]]);
        }
      });
    }
    const frontend = this.frontendOf(traces, inc, ids);
    const n = services.length;
    const series = sums.map((s, i) => filled(s, counts[i]));
    const similarity = new Float64Array(n);
    if (buckets >= o.minBuckets) for (let i = 0; i < n; i++) similarity[i] = i === frontend ? 1 : Math.abs(pearson(series[frontend], series[i]));
    const pi = monitorRankWalk(n, edges, similarity, frontend, o);
    return [...pi.keys()]
      .filter((i) => !(o.excludeFrontend && i === frontend))
      .sort((a, b) => pi[b] - pi[a] || a - b)
      .map((i) => ({ service: services[i], score: pi[i] }));
  }

  /** The entrance node of most of the incident's anomalous traces. */
  private frontendOf(traces: Trace[], inc: Incident, ids: Map<string, number>): number {
    const votes = new Map<number, number>();
    for (const r of inc.rows) {
      const entrance = traces[r].calls.find((c) => c.caller === ENTRANCE) ?? traces[r].calls[0];
      const i = ids.get(this.nodeOf(entrance))!;
      votes.set(i, (votes.get(i) ?? 0) + 1);
    }
    return [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
  }
}

/** Per bucket mean; an empty bucket repeats the last value (the first value before any). */
function filled(sum: Float64Array, count: Int32Array): Float64Array {
  const out = new Float64Array(sum.length);
  let last = NaN;
  for (let b = 0; b < sum.length; b++) {
    if (count[b] > 0) last = sum[b] / count[b];
    out[b] = last;
  }
  const first = out.find((x) => !Number.isNaN(x)) ?? 0;
  for (let b = 0; b < out.length && Number.isNaN(out[b]); b++) out[b] = first;
  return out;
}

/** First position in `order` whose start is >= t. */
function lowerBound(order: number[], starts: Float64Array, t: number): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[order[mid]] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
