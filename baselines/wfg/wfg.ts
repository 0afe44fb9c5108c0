import type { AnomalyType } from '../../src/lib/contracts/dataset.ts';
import type { FitHooks } from '../../src/lib/contracts/detector.ts';
import type { Trace } from '../../src/lib/trace/trace.ts';
import { SEQUENCE_OPTIONS } from '../../src/lib/trace-features/linearise.ts';
import { encodeSequence, type EncodedSequence } from '../../src/lib/trace-features/sequences.ts';
import { Bands, GroupIndex, GroupMoments, type SigmaRule } from '../../src/lib/decision/three-sigma.ts';
import { PARTITION_OPTIONS, TraceDetector, Violations, type PartitionOptions, type TraceModel, type Verdict } from '../../src/lib/detector/trace-detector.ts';
import { EOS, KeyVocabulary, UNK } from '../../src/lib/trace-features/vocabulary.ts';
import { SIDES } from '../../src/lib/hstv/hstv-index.ts';
import { bool, choice, defaultsOf, int, num, optionSchema, type OptionsOf } from '../../src/lib/options/schema.ts';
import { Automaton, FSA_LEARNERS } from './automaton.ts';
import { fitCapacity, type HostSample } from './capacity.ts';
import { loopOccurrences } from './loops.ts';

/**
 * WFG-based detector (Fu et al., ICDM'09; paper sec. I-A; spec 2): a workflow automaton learned from the key
 * sequences of normal traces; a trace it does not accept (an unseen key, no transition, a truncated run) has a
 * path anomaly; a transition time outside mu +- sigmaK * sigma of its automaton edge is a response-time anomaly.
 * Options (spec 2.5 defaults): learner ktails with kTails = 2, two-sided 3-sigma with nMin = 5 and a 1 ms floor,
 * per-host capacity model and circulation numbers off, time order without end events, one model per service.
 */
export const WFG_OPTIONS = optionSchema({
  ...SEQUENCE_OPTIONS,
  ...PARTITION_OPTIONS,
  learner: choice(FSA_LEARNERS, 'ktails', { doc: 'How automaton states are merged: k-tails, or bigram (a state is the last key read)' }),
  kTails: int(2, { min: 1 }, { doc: 'k of k-tails: states with the same next-k-key strings are merged' }),
  sigmaK: num(3, { gt: 0 }, { doc: 'A transition time is anomalous beyond mu +- sigmaK x sigma of its edge' }),
  sigmaFloor: num(1, { gt: 0 }, { doc: 'Floor of sigma, ms' }),
  nMin: int(5, { min: 1 }, { doc: 'Fewest training samples an edge needs to be judged' }),
  sided: choice(SIDES, 'two', { doc: 'two: slow-downs and speed-ups; one: only slow-downs' }),
  capacityModel: bool(false, { doc: "Fu et al.'s per-host N(alpha_i, alpha_i^2 beta) transition times (host = the instance of the call entered)" }),
  circulation: bool(false, { doc: 'Flag loops that go round more often than mu + sigmaK x sigma rounds (cycles of up to 6 states)' }),
});

export type WfgOptions = OptionsOf<typeof WFG_OPTIONS>;

export const WFG_DEFAULTS: WfgOptions = defaultsOf(WFG_OPTIONS);

const MAX_LOOP = 6;

export class WfgDetector extends TraceDetector {
  readonly name = 'wfg';
  readonly detects: readonly AnomalyType[] = ['path', 'rt'];
  readonly options: Readonly<WfgOptions>;

  constructor(options: Partial<WfgOptions> = {}) {
    super();
    this.options = { ...WFG_DEFAULTS, ...options };
  }

  /** Anomalous when some rule fired (score = violations + a deviation term below 1). */
  flags(score: number): boolean {
    return score >= 1;
  }

  protected partitioning(): PartitionOptions {
    return this.options;
  }

  protected fitModel(traces: Trace[], hooks?: FitHooks): TraceModel {
    return WfgModel.fit(traces, this.options, hooks);
  }
}

interface HostBand {
  mu: number;
  sigma: number;
}

class WfgModel implements TraceModel {
  private constructor(
    private readonly opts: WfgOptions,
    private readonly vocab: KeyVocabulary,
    private readonly automaton: Automaton,
    private readonly edgeBands: Bands,
    private readonly hostBands: Map<string, HostBand> | null,
    private readonly loopBands: { index: GroupIndex<string>; bands: Bands } | null,
  ) {}

  static fit(traces: Trace[], opts: WfgOptions, hooks?: FitHooks): WfgModel {
    const vocab = new KeyVocabulary();
    const encoded = traces.map((t) => encodeSequence(t, vocab, opts, true));
    // the automaton is learned from the distinct sequences; every trace is then replayed along its own run
    const distinct = new Map<string, number>();
    const seqs: Int32Array[] = [];
    const which = new Int32Array(traces.length);
    encoded.forEach((e, i) => {
      const key = e.ids.join(',');
      let d = distinct.get(key);
      if (d === undefined) {
        distinct.set(key, (d = seqs.length));
        seqs.push(e.ids);
      }
      which[i] = d;
    });
    hooks?.progress?.({ phase: 'automaton', done: 0, total: seqs.length, unit: 'sequences' });
    const { automaton, edgeRuns, stateRuns } = Automaton.learn(seqs, vocab.size, opts.learner, opts.kTails);
    const rule: SigmaRule = { k: opts.sigmaK, sigmaFloor: opts.sigmaFloor, nMin: opts.nMin, sided: opts.sided };

    const edgeMoments = new GroupMoments();
    const hostStats = opts.capacityModel ? new Map<number, Map<string, HostSample>>() : null;
    encoded.forEach((e, i) => {
      const edges = edgeRuns[which[i]];
      forEachTransition(e, (step, tau) => {
        edgeMoments.add(edges[step], tau);
        if (hostStats === null) return;
        const host = hostOf(traces[i], e, step);
        if (host === undefined) return;
        let perHost = hostStats.get(edges[step]);
        if (perHost === undefined) hostStats.set(edges[step], (perHost = new Map()));
        let h = perHost.get(host);
        if (h === undefined) perHost.set(host, (h = { count: 0, sum: 0, sumSq: 0 }));
        h.count++;
        h.sum += tau;
        h.sumSq += tau * tau;
      });
    });
    const edgeBands = edgeMoments.bands(rule, automaton.edges);

    let hostBands: Map<string, HostBand> | null = null;
    if (hostStats !== null) {
      hostBands = new Map();
      for (const [edge, perHost] of hostStats) {
        // hosts with too few samples or a non-positive mean time keep the pooled Gaussian of the edge
        const usable = [...perHost].filter(([, h]) => h.count >= opts.nMin && h.sum > 0);
        if (usable.length === 0) continue;
        const fit = fitCapacity(usable.map(([, h]) => h));
        usable.forEach(([host, _], i) => {
          const mu = fit.alpha[i];
          hostBands!.set(`${edge}|${host}`, { mu, sigma: Math.max(mu * Math.sqrt(fit.beta), opts.sigmaFloor) });
        });
      }
    }

    let loopBands: WfgModel['loopBands'] = null;
    if (opts.circulation) {
      const index = new GroupIndex<string>();
      const moments = new GroupMoments();
      encoded.forEach((_, i) => {
        for (const occ of loopOccurrences(stateRuns[which[i]], MAX_LOOP)) moments.add(index.id(occ.cycle, true), occ.rounds);
      });
      loopBands = { index, bands: moments.bands({ ...rule, sided: 'one' }, index.size) };
    }
    return new WfgModel(opts, vocab, automaton, edgeBands, hostBands, loopBands);
  }

  judge(trace: Trace, explain: boolean): Verdict {
    const e = encodeSequence(trace, this.vocab, this.opts, false);
    const v = new Violations(explain);
    const ids = e.ids;
    const keyName = (j: number) => (ids[j] === EOS ? 'EOS' : ids[j] === UNK ? e.events.keys[j] : this.vocab.name(ids[j]));
    for (let j = 0; j < ids.length; j++) {
      if (ids[j] === UNK) v.add('path', 'unseen-key', () => `key ${e.events.keys[j]} (event ${j}) was never seen in training`);
    }
    const run = this.automaton.read(ids);
    if (run.read < ids.length) {
      const j = run.read;
      v.add('path', 'not-accepted', () =>
        ids[j] === EOS ? `the trace ends where the workflow does not (after ${keyName(j - 1)})` : `no transition on ${keyName(j)} (event ${j}) after ${j === 0 ? 'the start' : keyName(j - 1)}`,
      );
    }
    forEachTransition(e, (step, tau) => {
      if (step >= run.read) return;
      const edge = run.edges[step];
      const host = this.hostBands === null ? undefined : hostOf(trace, e, step);
      const hb = host === undefined ? undefined : this.hostBands!.get(`${edge}|${host}`);
      const z = hb !== undefined ? (tau - hb.mu) / hb.sigma : this.edgeBands.z(edge, tau);
      const d = this.edgeBands.deviation(z);
      v.seeDeviation(d);
      if (d > this.opts.sigmaK) {
        v.add('rt', 'transition-time', () => {
          const [mu, sigma] = hb !== undefined ? [hb.mu, hb.sigma] : [this.edgeBands.mu[edge], this.edgeBands.sigma[edge]];
          return `${keyName(step - 1)} -> ${keyName(step)} took ${tau} ms; band ${mu.toFixed(2)} +- ${this.opts.sigmaK} x ${sigma.toFixed(2)}${host !== undefined && hb ? ` on ${host}` : ''}`;
        });
      }
    });
    if (this.loopBands !== null) {
      const { index, bands } = this.loopBands;
      for (const occ of loopOccurrences(run.states, MAX_LOOP)) {
        const g = index.id(occ.cycle);
        const z = bands.z(g, occ.rounds);
        const d = bands.deviation(z);
        v.seeDeviation(d);
        if (d > this.opts.sigmaK) v.add('rt', 'circulation', () => `loop ${occ.cycle} went round ${occ.rounds} times; usual ${bands.mu[g].toFixed(2)} +- ${this.opts.sigmaK} x ${bands.sigma[g].toFixed(2)}`);
      }
    }
    return v.verdict(true);
  }
}

/** Calls `fn(step, tau)` for each step entering a real event after the first: tau = its time minus the previous one's. */
function forEachTransition(e: EncodedSequence, fn: (step: number, tau: number) => void): void {
  const t = e.events.time;
  for (let j = 1; j < t.length; j++) fn(j, t[j] - t[j - 1]);
}

function hostOf(trace: Trace, e: EncodedSequence, step: number): string | undefined {
  return trace.calls[e.events.call[step]].instance;
}
