import type { DataSplit, DetectorInput } from '../../src/lib/contracts/dataset.ts';
import type { Localizer, RootCauseCandidate } from '../../src/lib/contracts/localizer.ts';
import { CallPathList, PATH_DEFINITIONS } from '../../src/lib/callpaths/call-path-list.ts';
import { EDGE_LABELS } from '../../src/lib/callpaths/edges.ts';
import { SIDES } from '../../src/lib/hstv/hstv-index.ts';
import { bool, choice, defaultsOf, int, num, optionSchema, textList, type OptionsOf } from '../../src/lib/options/schema.ts';
import { ENTRANCE, responseTime, type Trace } from '../../src/lib/trace/trace.ts';
import { codeMatches } from '../rule/rule-set.ts';
import { groupIncidents, traceStart } from '../../src/lib/trace-features/incidents.ts';
import { GroupMoments, type Bands, type SigmaRule } from '../../src/lib/decision/three-sigma.ts';
import { requireTraces } from '../../src/lib/detector/trace-detector.ts';
import { prefixSpan } from './prefixspan.ts';

export const RCSF_ERROR_PATHS = ['all', 'deepest'] as const;
export const RCSF_SCOPES = ['incident', 'trace'] as const;

/**
 * RCSF (Wang et al., IWQoS'15; spec sec. 10, trace adaptation [I]). Per incident (anomalous traces at most
 * `incidentGapMin` apart; `scope: 'trace'` takes each trace alone):
 * 1. a call is an error node when its status matches `faultCodes` or its response time leaves the 3-sigma band
 *    of its call path (spec 1.6: mean +- sigmaK sigma of the normal training traces' calls on that STV dimension,
 *    sigma floored at `sigmaFloor`, paths with fewer than `nMin` samples not judged);
 * 2. error paths: for each anomalous trace and each error node (`errorPaths: 'all'`, the spec) or each error node
 *    with no error node below it (`'deepest'`: the paper's "paths from alarming frontend nodes to error backend
 *    nodes"), the services from the entrance down to it, consecutive repeats collapsed;
 * 3. frequent sequential patterns of those paths (PrefixSpan) with support >= `minSup`, at most
 *    `maxPatternLength` services;
 * 4. a candidate is the last service of a frequent pattern, scored by the largest support of the patterns ending
 *    in it; ties go to the longer pattern, then to the larger 3-sigma deviation among its calls. The incident's
 *    entrance services (`excludeFrontend`) and the services in `exclude` (gateways) are not candidates.
 * `score` is an ordinal of that order (higher = better; equal keys tie).
 */
export const RCSF_OPTIONS = optionSchema({
  minSup: num(0.1, { gt: 0, max: 1 }, { doc: "Support a sequential pattern needs: its share of the incident's error paths" }),
  maxPatternLength: int(10, { min: 1 }, { doc: 'Most services in a pattern' }),
  errorPaths: choice(RCSF_ERROR_PATHS, 'all', { doc: 'all: a path to every error node (the spec); deepest: only to error nodes with no error node below' }),
  sigmaK: num(3, { gt: 0 }, { doc: "A call is an error node beyond mean +- sigmaK x sigma of its call path's normal response times" }),
  sigmaFloor: num(1, { gt: 0 }, { doc: 'Floor of sigma, in ms' }),
  nMin: int(5, { min: 1 }, { doc: 'Fewest training samples of a call path for its calls to be judged' }),
  sided: choice(SIDES, 'two', { doc: 'two: slow-downs and speed-ups; one: only slow-downs' }),
  faultCodes: textList(['5xx', 'error'], { doc: 'Status patterns that make a call an error node (5xx: any 5xx code)' }),
  incidentGapMin: num(5, { min: 0 }, { doc: 'Anomalous traces at most this many minutes apart form one incident' }),
  scope: choice(RCSF_SCOPES, 'incident', { doc: 'Mine the error paths of an incident together, or of each trace alone' }),
  excludeFrontend: bool(true, { doc: "The incident's entrance services are not candidates" }),
  exclude: textList([], { doc: 'Services that are never candidates (gateways)' }),
  definition: choice(PATH_DEFINITIONS, 'prefix', { doc: 'Call path of a call, for the 3-sigma bands (as in the stv command)' }),
  edgeLabel: choice(EDGE_LABELS, 'service', { doc: 'What a call path step names', flag: 'edge' }),
});

export type RcsfOptions = OptionsOf<typeof RCSF_OPTIONS>;

export const RCSF_DEFAULTS: RcsfOptions = defaultsOf(RCSF_OPTIONS);

/** One candidate with what ranked it. */
export interface RcsfCandidate {
  service: string;
  support: number;
  patternLength: number;
  deviation: number;
}

export class RcsfLocalizer implements Localizer {
  readonly name = 'rcsf';
  readonly supervised = false;
  readonly options: Readonly<RcsfOptions>;
  private list: CallPathList | null = null;
  private bands: Bands | null = null;

  constructor(options: Partial<RcsfOptions> = {}) {
    this.options = { ...RCSF_DEFAULTS, ...options };
  }

  async fit(train: DataSplit): Promise<void> {
    const traces = requireTraces(train, this.name);
    const list = CallPathList.fromTraces(traces, { definition: this.options.definition, edgeLabel: this.options.edgeLabel });
    const moments = new GroupMoments();
    for (const t of traces) {
      const dims = list.callDimensions(t);
      t.calls.forEach((c, i) => moments.add(dims[i], responseTime(c)));
    }
    const rule: SigmaRule = { k: this.options.sigmaK, sigmaFloor: this.options.sigmaFloor, nMin: this.options.nMin, sided: this.options.sided };
    this.list = list;
    this.bands = moments.bands(rule, list.width);
  }

  async rank(data: DetectorInput, rows: number[]): Promise<RootCauseCandidate[][]> {
    const ranked = this.explain(data, rows);
    return ranked.map((cands) => {
      // ordinal scores: equal (support, length, deviation) tie
      const out: RootCauseCandidate[] = [];
      let level = cands.length;
      cands.forEach((c, i) => {
        if (i > 0 && compare(cands[i - 1], c) !== 0) level = cands.length - i;
        out.push({ service: c.service, score: level });
      });
      return out;
    });
  }

  /** Per row, the candidates best first with their support, pattern length and deviation. */
  explain(data: DetectorInput, rows: number[]): RcsfCandidate[][] {
    if (this.list === null) throw new Error(`${this.name}: rank before fit`);
    const traces = requireTraces(data, this.name);
    const groups = this.options.scope === 'trace' ? rows.map((r) => [r]) : groupIncidents(Float64Array.from(traces, traceStart), rows, this.options.incidentGapMin * 60_000).map((i) => i.rows);
    const out = new Map<number, RcsfCandidate[]>();
    for (const g of groups) {
      const ranking = this.rankTraces(g.map((r) => traces[r]));
      for (const r of g) out.set(r, ranking);
    }
    return rows.map((r) => out.get(r)!.map((c) => ({ ...c })));
  }

  private rankTraces(traces: Trace[]): RcsfCandidate[] {
    const o = this.options;
    const names = new Map<string, number>();
    const services: string[] = [];
    const intern = (s: string): number => {
      let i = names.get(s);
      if (i === undefined) {
        names.set(s, (i = services.length));
        services.push(s);
      }
      return i;
    };
    const db: number[][] = [];
    const deviation = new Map<string, number>();
    const frontends = new Set<string>();
    for (const t of traces) {
      const entrance = t.calls.find((c) => c.caller === ENTRANCE);
      if (entrance) frontends.add(entrance.callee);
      const error = this.errorNodes(t, deviation);
      let ends = [...error.keys()].filter((i) => error[i]);
      if (o.errorPaths === 'deepest') {
        const above = new Set<number>();
        for (const i of ends) for (let p = t.calls[i].parent, n = 0; p !== undefined && n < t.calls.length; p = t.calls[p].parent, n++) above.add(p);
        ends = ends.filter((i) => !above.has(i));
      }
      for (const i of ends) db.push(pathTo(t, i).map(intern));
    }
    if (db.length === 0) return [];
    const minCount = Math.max(1, Math.ceil(o.minSup * db.length - 1e-9));
    const best = new Map<number, { count: number; length: number }>();
    for (const p of prefixSpan(db, minCount, o.maxPatternLength)) {
      const last = p.items[p.items.length - 1];
      const b = best.get(last);
      if (b === undefined || p.count > b.count || (p.count === b.count && p.items.length > b.length)) best.set(last, { count: p.count, length: p.items.length });
    }
    const excluded = new Set([...o.exclude, ...(o.excludeFrontend ? frontends : [])]);
    return [...best.entries()]
      .filter(([s]) => !excluded.has(services[s]))
      .map(([s, b]) => ({ service: services[s], support: b.count / db.length, patternLength: b.length, deviation: deviation.get(services[s]) ?? 0 }))
      .sort((a, b) => compare(a, b) || (a.service < b.service ? -1 : 1));
  }

  /** Per call, whether it is an error node; records each service's largest deviation. */
  private errorNodes(t: Trace, deviation: Map<string, number>): boolean[] {
    const bands = this.bands!;
    const dims = this.list!.callDimensions(t);
    return t.calls.map((c, i) => {
      const z = bands.z(dims[i], responseTime(c));
      const dev = bands.deviation(z);
      if (dev > (deviation.get(c.callee) ?? 0)) deviation.set(c.callee, dev);
      const fault = c.status !== undefined && this.options.faultCodes.some((p) => codeMatches(c.status!, p));
      return fault || bands.outside(z);
    });
  }
}

/** Higher support first, then the longer pattern, then the larger deviation. */
function compare(a: RcsfCandidate, b: RcsfCandidate): number {
  return b.support - a.support || b.patternLength - a.patternLength || b.deviation - a.deviation;
}

/** The services from the entrance down to call i, consecutive repeats collapsed. */
function pathTo(t: Trace, i: number): string[] {
  const chain: string[] = [];
  for (let c: number | undefined = i, n = 0; c !== undefined && n <= t.calls.length; c = t.calls[c].parent, n++) chain.push(t.calls[c].callee);
  chain.reverse();
  return chain.filter((s, k) => k === 0 || s !== chain[k - 1]);
}
