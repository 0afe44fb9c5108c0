import { BACKEND_CHOICES, useBackend } from '../../src/lib/backend/backend.ts';
import { aboveThreshold } from '../../src/lib/decision/threshold.ts';
import type { AnomalyType, DetectorInput } from '../../src/lib/contracts/dataset.ts';
import type { Detector, FitHooks } from '../../src/lib/contracts/detector.ts';
import type { Trace } from '../../src/lib/trace/trace.ts';
import { InputError } from '../../src/lib/util/errors.ts';
import { Random } from '../../src/lib/util/random.ts';
import { SEQUENCE_OPTIONS } from '../../src/lib/trace-features/linearise.ts';
import { bool, choice, defaultsOf, int, intList, num, optionSchema, type OptionsOf } from '../../src/lib/options/schema.ts';
import { SIDES } from '../../src/lib/hstv/hstv-index.ts';
import { chunks, trainNetwork, validationSplit, type NetworkTrainReport } from '../../src/lib/model/network-training.ts';
import { encodeSequence, nextKeyWindows, type EncodedSequence } from '../../src/lib/trace-features/sequences.ts';
import type { SigmaRule } from '../../src/lib/decision/three-sigma.ts';
import { TIME_GROUPS, TimeBands } from '../../src/lib/trace-features/time-groups.ts';
import { requireTraces, Violations, type Verdict } from '../../src/lib/detector/trace-detector.ts';
import { KeyVocabulary, UNK } from '../../src/lib/trace-features/vocabulary.ts';
import { NextKeyNet, type WindowBatch } from './next-key-net.ts';

// time-groups.ts's list, as the non-empty tuple `choice` takes

/**
 * DeepLog* (paper sec. V-B; spec 3.2): DeepLog's log key model, an LSTM that predicts the next call key from the
 * h keys before it, for path anomalies, with the per-key performance LSTMs replaced by 3-sigma on times, as in
 * the WFG-based method. A trace has a **path** anomaly when one of its keys (or its end) is not among the g most
 * probable next keys after its window, or when it has a key training never saw; an **rt** anomaly when a time
 * leaves mu +- sigmaK x sigma of its group (`rtGroup: 'transition'`, WFG's rule: the gap between consecutive
 * events per pair of keys; `'key'`: each call's response time per call key; `'path'`: per call path).
 *
 * Score: max(largest rank of an actual next key / g, largest deviation / sigmaK), +Infinity with an unseen key;
 * flagged when above 1, so the native verdict is the score's threshold.
 */

export const DEEPLOG_OPTIONS = optionSchema({
  ...SEQUENCE_OPTIONS,
  h: int(10, { min: 1 }, { doc: 'h: keys in the window before the predicted one (left-padded with BOS)' }),
  g: int(9, { min: 1 }, { doc: 'g: a next key among the g most probable ones is normal' }),
  predictFirst: bool(false, {
    doc: "Also predict (and judge) the first key, the entry API, from the BOS padding alone [I] (off: which API a user calls is the workload's choice; an unseen entry key is still a path anomaly)",
  }),
  hidden: intList([64, 64], {}, { doc: 'LSTM units per layer, bottom first (DeepLog: 2 layers of 64)' }),
  epochs: int(150, { min: 1 }, { doc: 'Most training epochs (early stopping usually ends sooner)' }),
  batchSize: int(128, { min: 1 }, { doc: '(window, next key) pairs per optimiser step' }),
  learningRate: num(0.01, { gt: 0 }, { doc: "Adam's learning rate" }),
  clipNorm: num(10, { gt: 0 }, { doc: "Each parameter's gradient is clipped to this L2 norm" }),
  patience: int(10, { min: 0 }, { doc: 'Epochs without a better validation loss before stopping (0: no early stopping); the best weights are kept' }),
  validFraction: num(0.1, { min: 0, lt: 1 }, { doc: 'Share of the training traces held out for early stopping' }),
  aggregate: bool(true, { doc: 'Train on the distinct (window, next key) pairs weighted by their counts (the same loss); false: every pair of every trace, each epoch' }),
  rtGroup: choice(TIME_GROUPS, 'transition', { doc: "Which times 3-sigma judges: gaps between consecutive events per key pair (WFG's rule), response times per call key, or per call path" }),
  sigmaK: num(3, { gt: 0 }, { doc: 'A time is anomalous beyond mu +- sigmaK x sigma of its group' }),
  sigmaFloor: num(1, { gt: 0 }, { doc: 'Floor of sigma, ms' }),
  nMin: int(5, { min: 1 }, { doc: 'Fewest training samples a group needs to be judged' }),
  sided: choice(SIDES, 'two', { doc: 'two: slow-downs and speed-ups; one: only slow-downs' }),
  seed: int(1, { min: 0 }, { doc: "Seed of every random choice (an experiment cell's seed replaces it)" }),
  backend: choice(BACKEND_CHOICES, 'auto', { doc: 'tfjs backend (docs/backends.md)' }),
});

export type DeepLogOptions = OptionsOf<typeof DEEPLOG_OPTIONS>;

export const DEEPLOG_DEFAULTS: DeepLogOptions = defaultsOf(DEEPLOG_OPTIONS);

/** The training report, with the vocabulary and the pairs trained on. */
export interface DeepLogReport extends NetworkTrainReport {
  /** Key ids, reserved ones included. */
  vocab: number;
  /** Training (window, next key) pairs, and how many of them are distinct. */
  windows: number;
  distinctWindows: number;
  /** Rows the network itself processed per second (the distinct pairs when aggregating). */
  distinctRowsPerSecond: number;
}

interface Fitted {
  vocab: KeyVocabulary;
  net: NextKeyNet;
  params: Float32Array;
  times: TimeBands;
  report: DeepLogReport;
}

export class DeepLogDetector implements Detector {
  readonly name = 'deeplog';
  readonly needs = 'traces' as const;
  readonly detects: readonly AnomalyType[] = ['path', 'rt'];
  readonly options: Readonly<DeepLogOptions>;
  private fitted: Fitted | null = null;
  private cache = new WeakMap<Trace[], Verdict[]>();

  constructor(options: Partial<DeepLogOptions> = {}) {
    this.options = { ...DEEPLOG_DEFAULTS, ...options };
  }

  /** The training report of the last fit (epochs, losses, windows/s). */
  get report(): DeepLogReport | null {
    return this.fitted?.report ?? null;
  }

  async fit(train: DetectorInput, hooks?: FitHooks): Promise<void> {
    const o = this.options;
    const traces = requireTraces(train, this.name);
    if (traces.length === 0) throw new InputError({}, `${this.name}: no training traces`);
    await useBackend(o.backend);
    const vocab = new KeyVocabulary();
    const encoded = traces.map((t) => encodeSequence(t, vocab, o, true));
    const split = validationSplit(traces.length, o.validFraction, o.seed);
    const from = o.predictFirst ? 0 : 1;
    const trainPairs = windowPairs(Array.from(split.train, (i) => encoded[i].ids), o.h, o.aggregate, from);
    const validPairs = windowPairs(Array.from(split.valid, (i) => encoded[i].ids), o.h, true, from);
    hooks?.progress?.({ phase: 'windows', done: trainPairs.rows, unit: 'windows', metrics: { vocab: vocab.size, validPairs: validPairs.rows } });
    const net = new NextKeyNet({ vocab: vocab.size, window: o.h, hidden: o.hidden });
    const initial = net.initialParams(new Random(o.seed).fork(1));
    const batches = (rng: Random) => chunks(Array.from(rng.permutation(trainPairs.rows)), o.batchSize).map((rows) => selectPairs(trainPairs, rows, o.h));
    const valid = chunks(Array.from({ length: validPairs.rows }, (_, i) => i), Math.max(o.batchSize, 1024)).map((rows) => selectPairs(validPairs, rows, o.h));
    const { params, report: trained } = await trainNetwork(net, initial, batches, valid, o, hooks);
    const windows = trainPairs.weights.reduce((a, b) => a + b, 0);
    const report: DeepLogReport = { ...trained, vocab: vocab.size, windows, distinctWindows: trainPairs.rows, distinctRowsPerSecond: (trained.rowsPerSecond * trainPairs.rows) / windows };
    const rule: SigmaRule = { k: o.sigmaK, sigmaFloor: o.sigmaFloor, nMin: o.nMin, sided: o.sided };
    const times = TimeBands.fit(traces.map((t, i) => [t, encoded[i].events]), o.rtGroup, rule);
    this.fitted = { vocab, net, params, times, report };
    this.cache = new WeakMap();
  }

  async score(data: DetectorInput, hooks?: FitHooks): Promise<Float64Array> {
    return Float64Array.from(await this.verdicts(data, false, hooks), (v) => v.score);
  }

  decide(scores: Float64Array): Uint8Array {
    return aboveThreshold(scores, 1);
  }

  async anomalyTypes(data: DetectorInput): Promise<(AnomalyType | null)[]> {
    return (await this.verdicts(data, false)).map((v) => (v.score > 1 ? v.type : null));
  }

  /** Verdicts with the rules that fired (ranks, times, bands), for reports and debugging. */
  async explain(data: DetectorInput): Promise<Verdict[]> {
    return this.verdicts(data, true);
  }

  private async verdicts(data: DetectorInput, explain: boolean, hooks?: FitHooks): Promise<Verdict[]> {
    const f = this.fitted;
    if (f === null) throw new Error(`${this.name}: score before fit`);
    const traces = requireTraces(data, this.name);
    const hit = explain ? undefined : this.cache.get(traces);
    if (hit !== undefined && hit.length === traces.length) return hit;
    await useBackend(this.options.backend);
    const o = this.options;
    const encoded = traces.map((t) => encodeSequence(t, f.vocab, o, false));
    const ranks = await this.nextKeyRanks(encoded, hooks);
    const out = traces.map((trace, i) => this.judge(trace, encoded[i], ranks[i], explain));
    if (!explain) this.cache.set(traces, out);
    return out;
  }

  /**
   * Per trace, the rank (1 = most probable) of each actual next key among the model's predictions after its
   * window. The model runs once per distinct window.
   */
  private async nextKeyRanks(encoded: EncodedSequence[], hooks?: FitHooks): Promise<Int32Array[]> {
    const f = this.fitted!;
    const h = this.options.h;
    const V = f.vocab.size;
    const distinct = new Map<string, number>();
    const windowRows: number[] = [];
    const perTrace = encoded.map((e) => {
      const { windows } = nextKeyWindows(e.ids, h);
      const idx = new Int32Array(e.ids.length);
      for (let t = 0; t < e.ids.length; t++) {
        const w = windows.subarray(t * h, (t + 1) * h);
        const key = w.join(',');
        let u = distinct.get(key);
        if (u === undefined) {
          distinct.set(key, (u = distinct.size));
          for (const id of w) windowRows.push(id);
        }
        idx[t] = u;
      }
      return idx;
    });
    const U = distinct.size;
    const p = f.net.layout.toTensors(f.params);
    let probs: Float32Array;
    try {
      probs = f.net.probabilities(p, Int32Array.from(windowRows), U);
    } finally {
      for (const t of Object.values(p)) t.dispose();
    }
    hooks?.progress?.({ phase: 'score', done: encoded.length, total: encoded.length, unit: 'traces', metrics: { distinctWindows: U } });
    const rankCache = new Map<number, number>();
    return encoded.map((e, i) =>
      Int32Array.from(e.ids, (target, t) => {
        const u = perTrace[i][t];
        const key = u * V + target;
        let r = rankCache.get(key);
        if (r === undefined) {
          const row = probs.subarray(u * V, (u + 1) * V);
          const pt = row[target];
          r = 1;
          for (let k = 0; k < V; k++) if (row[k] > pt) r++;
          rankCache.set(key, r);
        }
        return r;
      }),
    );
  }

  private judge(trace: Trace, e: EncodedSequence, ranks: Int32Array, explain: boolean): Verdict {
    const f = this.fitted!;
    const o = this.options;
    const v = new Violations(explain);
    let pathScore = 0;
    const keyName = (t: number) => (t < e.events.keys.length ? e.events.keys[t] : 'the end of the trace');
    for (let t = 0; t < e.ids.length; t++) {
      if (e.ids[t] === UNK) {
        pathScore = Infinity;
        v.add('path', 'unseen-key', () => `key ${keyName(t)} (event ${t}) was never seen in training`);
        continue;
      }
      if (t === 0 && !o.predictFirst) continue;
      pathScore = Math.max(pathScore, ranks[t] / o.g);
      if (ranks[t] > o.g) v.add('path', 'next-key', () => `${keyName(t)} (event ${t}) is the ${ranks[t]}th most probable next key after ${t === 0 ? 'the start' : keyName(t - 1)}; top ${o.g} expected`);
    }
    let rtDeviation = 0;
    f.times.judge(trace, e.events, (d, describe) => {
      rtDeviation = Math.max(rtDeviation, d);
      if (d > o.sigmaK) v.add('rt', o.rtGroup === 'transition' ? 'transition-time' : 'response-time', describe);
    });
    const verdict: Verdict = { score: Math.max(pathScore, rtDeviation / o.sigmaK), type: v.type };
    if (v.reasons) verdict.reasons = v.reasons;
    return verdict;
  }
}

/**
 * (window, next key) pairs of sequences, from position `from` on; with `aggregate`, each distinct pair once,
 * weighted by its count.
 */
export function windowPairs(seqs: Int32Array[], h: number, aggregate: boolean, from = 0): WindowBatch {
  const windows: number[] = [];
  const targets: number[] = [];
  const weights: number[] = [];
  const seen = new Map<string, number>();
  for (const ids of seqs) {
    const pairs = nextKeyWindows(ids, h);
    for (let t = from; t < pairs.targets.length; t++) {
      const w = pairs.windows.subarray(t * h, (t + 1) * h);
      if (aggregate) {
        const key = `${w.join(',')}>${pairs.targets[t]}`;
        const at = seen.get(key);
        if (at !== undefined) {
          weights[at]++;
          continue;
        }
        seen.set(key, targets.length);
      }
      for (const id of w) windows.push(id);
      targets.push(pairs.targets[t]);
      weights.push(1);
    }
  }
  return { windows: Int32Array.from(windows), targets: Int32Array.from(targets), weights: Float32Array.from(weights), rows: targets.length };
}

function selectPairs(all: WindowBatch, rows: number[], h: number): WindowBatch {
  const windows = new Int32Array(rows.length * h);
  const targets = new Int32Array(rows.length);
  const weights = new Float32Array(rows.length);
  rows.forEach((r, k) => {
    windows.set(all.windows.subarray(r * h, (r + 1) * h), k * h);
    targets[k] = all.targets[r];
    weights[k] = all.weights[r];
  });
  return { windows, targets, weights, rows: rows.length };
}
