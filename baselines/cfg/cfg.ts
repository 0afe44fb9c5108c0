import type { AnomalyType } from '../../src/lib/contracts/dataset.ts';
import type { Trace } from '../../src/lib/trace/trace.ts';
import { SEQUENCE_OPTIONS } from '../../src/lib/trace-features/linearise.ts';
import { encodeSequence } from '../../src/lib/trace-features/sequences.ts';
import { GroupIndex, GroupMoments, type SigmaRule } from '../../src/lib/decision/three-sigma.ts';
import { PARTITION_OPTIONS, TraceDetector, Violations, type PartitionOptions, type TraceModel, type Verdict } from '../../src/lib/detector/trace-detector.ts';
import { KeyVocabulary, UNK } from '../../src/lib/trace-features/vocabulary.ts';
import { bool, choice, defaultsOf, int, num, optionSchema, type OptionsOf } from '../../src/lib/options/schema.ts';

export const LAG_BOUNDS = ['sigma', 'max'] as const;
export const CFG_TYPES = ['paper', 'split'] as const;

/**
 * CFG-based detector (Nandi et al., KDD'16; paper sec. I-A; spec 4): a control-flow graph mined from normal
 * traces in two stages (the keys that co-occur in a trace; then each event's immediate successor among its
 * co-occurring keys, with the lag); a trace is anomalous when none of an event's CFG children appears within
 * its expected lag. Options (spec 4.5 defaults): thetaCo = 0.1, pMin = 0.001, lag bound mu + 3 sigma (1 ms
 * floor, nMin = 5; or the largest training lag x (1 + slack)), strictSuccessor off.
 * `types`: the paper's Table II reports CFG under response-time anomalies only ('paper': every violation is 'rt',
 * and `detects` is ['rt']); 'split' follows the spec: a child that comes late is 'rt', one that never comes or
 * an unknown node is 'path'.
 */
export const CFG_OPTIONS = optionSchema({
  ...SEQUENCE_OPTIONS,
  ...PARTITION_OPTIONS,
  thetaCo: num(0.1, { gt: 0, max: 1 }, { doc: 'Stage 1: B co-occurs with A when at least this share of the traces holding A hold B' }),
  pMin: num(0.001, { min: 0, max: 1 }, { doc: "Stage 2: a CFG edge A -> B taken by less than this share of A's occurrences is noise" }),
  lagBound: choice(LAG_BOUNDS, 'sigma', { doc: "A child's expected lag: mu + sigmaK x sigma of its training lags, or the largest training lag x (1 + slack)" }),
  sigmaK: num(3, { gt: 0 }, { doc: 'With lagBound sigma: the lag bound is mu + sigmaK x sigma' }),
  sigmaFloor: num(1, { min: 0 }, { doc: 'With lagBound sigma: floor of sigma, ms' }),
  nMin: int(5, { min: 1 }, { doc: 'With lagBound sigma: fewest lags an edge needs to be bounded (else no bound)' }),
  slack: num(0.1, { min: 0 }, { doc: 'With lagBound max: the bound is the largest training lag x (1 + slack)' }),
  strictSuccessor: bool(false, { doc: 'Also flag an event whose first co-occurring successor is not one of its CFG children' }),
  types: choice(CFG_TYPES, 'paper', { doc: 'paper: every violation is rt (Table II); split: a late child is rt, a missing child or an unknown node path' }),
});

export type CfgOptions = OptionsOf<typeof CFG_OPTIONS>;

export const CFG_DEFAULTS: CfgOptions = defaultsOf(CFG_OPTIONS);

export class CfgDetector extends TraceDetector {
  readonly name = 'cfg';
  readonly options: Readonly<CfgOptions>;

  constructor(options: Partial<CfgOptions> = {}) {
    super();
    this.options = { ...CFG_DEFAULTS, ...options };
  }

  get detects(): readonly AnomalyType[] {
    return this.options.types === 'paper' ? ['rt'] : ['path', 'rt'];
  }

  /** Score = number of violations. */
  flags(score: number): boolean {
    return score >= 1;
  }

  protected partitioning(): PartitionOptions {
    return this.options;
  }

  protected fitModel(traces: Trace[]): TraceModel {
    return CfgModel.fit(traces, this.options);
  }
}

/** Stage 1: which keys co-occur, i.e. appear together in at least a fraction thetaCo of the traces holding the first. */
class CoOccurrence {
  /** (A * V + B) -> number of training traces holding both A and B. */
  private readonly both = new Map<number, number>();
  private readonly holding: Float64Array;

  constructor(seqs: readonly Int32Array[], private readonly V: number, private readonly thetaCo: number) {
    this.holding = new Float64Array(V);
    // counted once per distinct key set
    const sets = new Map<string, { keys: number[]; count: number }>();
    for (const ids of seqs) {
      const keys = [...new Set(ids)].sort((a, b) => a - b);
      const k = keys.join(',');
      const e = sets.get(k);
      if (e) e.count++;
      else sets.set(k, { keys, count: 1 });
    }
    for (const { keys, count } of sets.values()) {
      for (const a of keys) {
        this.holding[a] += count;
        for (const b of keys) this.both.set(a * V + b, (this.both.get(a * V + b) ?? 0) + count);
      }
    }
  }

  has(a: number, b: number): boolean {
    const n = this.holding[a];
    return n > 0 && (this.both.get(a * this.V + b) ?? 0) / n >= this.thetaCo;
  }
}

class CfgModel implements TraceModel {
  private constructor(
    private readonly opts: CfgOptions,
    private readonly vocab: KeyVocabulary,
    private readonly co: CoOccurrence,
    /** (A * V + B) -> index of the surviving CFG edge A -> B. */
    private readonly succ: Map<number, number>,
    private readonly hasSucc: Uint8Array,
    private readonly terminalOK: Uint8Array,
    /** Expected lag bound per edge. */
    private readonly bound: Float64Array,
  ) {}

  static fit(traces: Trace[], opts: CfgOptions): CfgModel {
    const vocab = new KeyVocabulary();
    const seqs = traces.map((t) => encodeSequence(t, vocab, opts, true));
    const V = vocab.size;
    const co = new CoOccurrence(seqs.map((s) => s.ids.subarray(0, s.ids.length - 1)), V, opts.thetaCo);
    // stage 2: each event's immediate successor among its co-occurring keys, and the lag
    const occurrences = new Float64Array(V);
    const edges = new GroupIndex<number>();
    const lags = new GroupMoments();
    const maxLag: number[] = [];
    const endsWith = new Float64Array(V);
    for (const s of seqs) {
      const n = s.ids.length - 1;
      const t = s.events.time;
      for (let i = 0; i < n; i++) {
        const a = s.ids[i];
        occurrences[a]++;
        let j = i + 1;
        while (j < n && !co.has(a, s.ids[j])) j++;
        if (j === n) {
          endsWith[a]++;
          continue;
        }
        const e = edges.id(a * V + s.ids[j], true);
        const lag = t[j] - t[i];
        lags.add(e, lag);
        maxLag[e] = Math.max(maxLag[e] ?? -Infinity, lag);
      }
    }
    const rule: SigmaRule = { k: opts.sigmaK, sigmaFloor: opts.sigmaFloor, nMin: opts.nMin, sided: 'one' };
    const bands = lags.bands(rule, edges.size);
    const bound = new Float64Array(edges.size);
    const succ = new Map<number, number>();
    const hasSucc = new Uint8Array(V);
    edges.keys.forEach((pair, e) => {
      const a = Math.floor(pair / V);
      if (lags.count(e) / occurrences[a] < opts.pMin) return; // noise
      succ.set(pair, e);
      hasSucc[a] = 1;
      bound[e] = opts.lagBound === 'max' ? maxLag[e] * (1 + opts.slack) : bands.upper(e);
    });
    const terminalOK = Uint8Array.from(endsWith, (x) => (x > 0 ? 1 : 0));
    return new CfgModel(opts, vocab, co, succ, hasSucc, terminalOK, bound);
  }

  judge(trace: Trace, explain: boolean): Verdict {
    const s = encodeSequence(trace, this.vocab, this.opts, false);
    const ids = s.ids;
    const t = s.events.time;
    const n = ids.length - 1;
    const V = this.vocab.size;
    const v = new Violations(explain);
    const split = this.opts.types === 'split';
    const name = (i: number) => s.events.keys[i];
    for (let i = 0; i < n; i++) {
      const a = ids[i];
      if (a === UNK) {
        v.add(split ? 'path' : 'rt', 'unknown-node', () => `${name(i)} (event ${i}) is not in the CFG`);
        continue;
      }
      if (!this.hasSucc[a]) continue;
      let within = false;
      let late = -1;
      let firstCo = -1;
      for (let j = i + 1; j < n && !within; j++) {
        const b = ids[j];
        if (b === UNK) continue;
        if (firstCo < 0 && this.co.has(a, b)) firstCo = j;
        const e = this.succ.get(a * V + b);
        if (e === undefined) continue;
        if (t[j] - t[i] <= this.bound[e]) within = true;
        else if (late < 0) late = j;
      }
      if (this.opts.strictSuccessor && firstCo >= 0 && !this.succ.has(a * V + ids[firstCo])) {
        v.add(split ? 'path' : 'rt', 'unexpected-successor', () => `${name(i)} is followed by ${name(firstCo)}, not one of its CFG children`);
      }
      if (within) continue;
      if (late >= 0) {
        const j = late;
        v.add('rt', 'late-child', () => `${name(j)} came ${t[j] - t[i]} ms after ${name(i)}; expected within ${this.bound[this.succ.get(a * V + ids[j])!].toFixed(2)} ms`);
      } else if (firstCo >= 0 || !this.terminalOK[a]) {
        v.add(split ? 'path' : 'rt', 'missing-child', () => `none of the CFG children of ${name(i)} (event ${i}) appears`);
      }
    }
    return v.verdict();
  }
}
