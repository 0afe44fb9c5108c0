import { BACKEND_CHOICES, useBackend } from '../../src/lib/backend/backend.ts';
import { aboveThreshold } from '../../src/lib/decision/threshold.ts';
import type { AnomalyType, DetectorInput } from '../../src/lib/contracts/dataset.ts';
import type { Detector, FitHooks } from '../../src/lib/contracts/detector.ts';
import type { Trace } from '../../src/lib/trace/trace.ts';
import { InputError } from '../../src/lib/util/errors.ts';
import { Random } from '../../src/lib/util/random.ts';
import { linearise, SEQUENCE_OPTIONS, type EventSequence } from '../../src/lib/trace-features/linearise.ts';
import { bool, choice, defaultsOf, int, intList, num, optionSchema, type OptionsOf } from '../../src/lib/options/schema.ts';
import { chunks, trainNetwork, validationSplit, type NetworkTrainReport } from '../../src/lib/model/network-training.ts';
import { GroupMoments, type Bands } from '../../src/lib/decision/three-sigma.ts';
import { requireTraces } from '../../src/lib/detector/trace-detector.ts';
import { BOS, EOS, KeyVocabulary, UNK } from '../../src/lib/trace-features/vocabulary.ts';
import { MultimodalNet, type SequenceBatch } from './network.ts';

export const LABEL_KINDS = ['call-key', 'status-endpoint-host'] as const;
export type LabelKind = (typeof LABEL_KINDS)[number];
export const TIME_SCALES = ['linear', 'log'] as const;
export type TimeScale = (typeof TIME_SCALES)[number];

/**
 * Multimodal LSTM (Nedelkoski et al., CLOUD'19; paper sec. I-A; spec 7): a two-input LSTM over each trace's
 * event labels and normalised response times, in execution order, that predicts the next label and the next
 * response time at every step. A trace is anomalous when some true next label is not among the topK most probable
 * (or a label is unknown), or when some next time's squared error exceeds mu + z sigma of the training errors
 * for that label. The paper's point stands: it flags traces without saying which kind of anomaly they hold, so
 * it names no types (Table II's N/A).
 *
 * Score: max(largest rank of a true next label / topK, largest (error - mu) / sigma / z), +Infinity with an unknown
 * label; flagged when above 1.
 */
export const MULTIMODAL_OPTIONS = optionSchema({
  ...SEQUENCE_OPTIONS,
  label: choice(LABEL_KINDS, 'call-key', { doc: "What an event's label is: its call key [I] or the paper's HTTP code | URL | host" }),
  predictFirst: bool(false, {
    doc: "Also predict (and judge) the first label, the entry API, from BOS alone [I] (off, as for DeepLog*: which API a user calls is the workload's choice; an unknown entry label is still anomalous)",
  }),
  minCount: int(5, { min: 1 }, { doc: 'Labels seen fewer times in training are unknown (UNK)' }),
  maxLabels: int(500, { min: 1 }, { doc: 'At most this many labels (the most frequent)' }),
  timeScale: choice(TIME_SCALES, 'linear', { doc: "Response times are min-max scaled to [0, 1] over the training calls ('linear', the paper) or after log(1 + x)" }),
  labelUnits: int(32, { min: 1 }, { doc: 'LSTM units of the label branch' }),
  timeUnits: int(8, { min: 1 }, { doc: 'LSTM units of the time branch' }),
  shared: intList([64, 64], {}, { doc: 'Units of the shared LSTM layers, bottom first' }),
  lambda: num(1, { min: 0 }, { doc: 'Weight of the time loss against the label loss' }),
  epochs: int(8, { min: 1 }, { doc: 'Most training epochs (early stopping may end sooner)' }),
  batchSize: int(128, { min: 1 }, { doc: 'Traces (of one length) per optimiser step' }),
  learningRate: num(0.02, { gt: 0 }, { doc: "Adam's learning rate" }),
  clipNorm: num(10, { gt: 0 }, { doc: "Each parameter's gradient is clipped to this L2 norm" }),
  patience: int(2, { min: 0 }, { doc: 'Epochs without a better validation loss before stopping (0: no early stopping); the best weights are kept' }),
  validFraction: num(0.1, { min: 0, lt: 1 }, { doc: 'Share of the training traces held out for early stopping' }),
  topK: int(5, { min: 1 }, { doc: "The paper's k: a true next label among the topK most probable is normal" }),
  z: num(3, { gt: 0 }, { doc: "z: a next time's squared error above mu + z sigma of its label's training errors is anomalous" }),
  errorFloor: num(1e-4, { gt: 0 }, { doc: 'Floor of sigma of the squared errors (in squared scaled-time units)' }),
  nMin: int(5, { min: 1 }, { doc: 'Labels with fewer training errors are not judged on time' }),
  seed: int(1, { min: 0 }, { doc: "Seed of every random choice (an experiment cell's seed replaces it)" }),
  backend: choice(BACKEND_CHOICES, 'auto', { doc: 'tfjs backend (docs/backends.md)' }),
});

export type MultimodalOptions = OptionsOf<typeof MULTIMODAL_OPTIONS>;

export const MULTIMODAL_DEFAULTS: MultimodalOptions = defaultsOf(MULTIMODAL_OPTIONS);

/** A trace as the network reads it: input labels (BOS first), input times (0 first), both `steps` long. */
interface Encoded {
  labels: Int32Array;
  times: Float32Array;
  unknown: boolean;
}

/** The training report, with the label vocabulary. */
export interface MultimodalReport extends NetworkTrainReport {
  /** Label ids, reserved ones included. */
  vocab: number;
}

interface Fitted {
  vocab: KeyVocabulary;
  scale: { lo: number; span: number };
  net: MultimodalNet;
  params: Float32Array;
  errors: Bands;
  report: MultimodalReport;
}

export class MultimodalLstmDetector implements Detector {
  readonly name = 'multimodal-lstm';
  readonly needs = 'traces' as const;
  readonly detects: readonly AnomalyType[] = ['path', 'rt'];
  readonly options: Readonly<MultimodalOptions>;
  private fitted: Fitted | null = null;
  private cache = new WeakMap<Trace[], Float64Array>();

  constructor(options: Partial<MultimodalOptions> = {}) {
    this.options = { ...MULTIMODAL_DEFAULTS, ...options };
  }

  /** The training report of the last fit (epochs, losses, sequences/s). */
  get report(): MultimodalReport | null {
    return this.fitted?.report ?? null;
  }

  async fit(train: DetectorInput, hooks?: FitHooks): Promise<void> {
    const o = this.options;
    const traces = requireTraces(train, this.name);
    if (traces.length === 0) throw new InputError({}, `${this.name}: no training traces`);
    await useBackend(o.backend);
    const events = traces.map((t) => linearise(t, o));
    const labels = traces.map((t, i) => eventLabels(t, events[i], o.label));
    const vocab = frequentLabels(labels, o.minCount, o.maxLabels);
    const scale = timeScale(events, o.timeScale);
    const encoded = traces.map((_, i) => encode(labels[i], events[i], vocab, scale, o.timeScale));
    const split = validationSplit(traces.length, o.validFraction, o.seed);
    const meanSteps = split.train.reduce((a, i) => a + encoded[i].labels.length, 0) / split.train.length;
    const net = new MultimodalNet({ labels: vocab.size, labelUnits: o.labelUnits, timeUnits: o.timeUnits, shared: o.shared, lambda: o.lambda, skipFirst: !o.predictFirst, meanSteps });
    const byLength = (rows: Int32Array) => groupByLength(Array.from(rows), encoded);
    const trainGroups = byLength(split.train);
    const batches = (rng: Random) => {
      const list: SequenceBatch[] = [];
      for (const rows of trainGroups.values()) for (const part of chunks(rng.shuffle([...rows]), o.batchSize)) list.push(batch(part, encoded));
      return rng.shuffle(list);
    };
    const valid = [...byLength(split.valid).values()].flatMap((rows) => chunks(rows, Math.max(o.batchSize, 512)).map((part) => batch(part, encoded)));
    hooks?.progress?.({ phase: 'sequences', done: split.train.length, unit: 'traces', metrics: { labels: vocab.size, lengths: trainGroups.size } });
    const { params, report: trained } = await trainNetwork(net, net.initialParams(new Random(o.seed).fork(1)), batches, valid, o, hooks);
    const report: MultimodalReport = { ...trained, vocab: vocab.size };
    // the time-error model: squared errors of every training step's next time, per true next label
    const moments = new GroupMoments();
    forEachPrediction(net, params, encoded, (_, label, error) => moments.add(label, error));
    const errors = moments.bands({ k: o.z, sigmaFloor: o.errorFloor, nMin: o.nMin, sided: 'one' }, vocab.size);
    this.fitted = { vocab, scale, net, params, errors, report };
    this.cache = new WeakMap();
  }

  async score(data: DetectorInput, hooks?: FitHooks): Promise<Float64Array> {
    const f = this.fitted;
    if (f === null) throw new Error(`${this.name}: score before fit`);
    const traces = requireTraces(data, this.name);
    const hit = this.cache.get(traces);
    if (hit !== undefined && hit.length === traces.length) return hit;
    await useBackend(this.options.backend);
    const o = this.options;
    const encoded = traces.map((t) => {
      const ev = linearise(t, o);
      return encode(eventLabels(t, ev, o.label), ev, f.vocab, f.scale, o.timeScale);
    });
    const path = new Float64Array(traces.length);
    const rt = new Float64Array(traces.length);
    forEachPrediction(
      f.net,
      f.params,
      encoded,
      (row, label, error) => {
        const z = f.errors.z(label, error);
        if (!Number.isNaN(z)) rt[row] = Math.max(rt[row], z / o.z);
      },
      (row, rank, t) => {
        if (t > 0 || o.predictFirst) path[row] = Math.max(path[row], rank / o.topK);
      },
      (done) => hooks?.progress?.({ phase: 'score', done, total: traces.length, unit: 'traces' }),
    );
    const scores = Float64Array.from(encoded, (e, i) => (e.unknown ? Infinity : Math.max(path[i], rt[i])));
    this.cache.set(traces, scores);
    return scores;
  }

  decide(scores: Float64Array): Uint8Array {
    return aboveThreshold(scores, 1);
  }
}

/**
 * Runs the network over sequences grouped by length and calls `onTime(row, nextLabel, squaredError)` for each
 * step with a next time and `onRank(row, rank, step)` for each step's next label.
 */
function forEachPrediction(
  net: MultimodalNet,
  params: Float32Array,
  encoded: Encoded[],
  onTime: (row: number, label: number, error: number) => void,
  onRank?: (row: number, rank: number, step: number) => void,
  onDone?: (done: number) => void,
): void {
  const p = net.layout.toTensors(params);
  let done = 0;
  try {
    for (const rows of groupByLength(encoded.map((_, i) => i), encoded).values()) {
      for (const part of chunks(rows, 1024)) {
        const b = batch(part, encoded);
        const pred = net.predict(p, b);
        part.forEach((row, r) => {
          const e = encoded[row];
          const steps = b.steps;
          for (let t = 0; t < steps; t++) {
            onRank?.(row, pred.rank[r * steps + t], t);
            if (t < steps - 1) {
              const d = pred.time[r * steps + t] - e.times[t + 1];
              onTime(row, e.labels[t + 1], d * d);
            }
          }
        });
        done += part.length;
        onDone?.(done);
      }
    }
  } finally {
    for (const t of Object.values(p)) t.dispose();
  }
}

/** Each event's label: its call key, or the paper's `status|callee#endpoint|instance` (end events: `END(label)`). */
export function eventLabels(trace: Trace, events: EventSequence, kind: LabelKind): string[] {
  if (kind === 'call-key') return events.keys;
  return events.keys.map((_, j) => {
    const c = trace.calls[events.call[j]];
    const label = `${c.status ?? ''}|${c.callee}#${c.endpoint ?? ''}|${c.instance ?? ''}`;
    return events.end[j] ? `END(${label})` : label;
  });
}

/** The labels seen at least `minCount` times, the `maxLabels` most frequent (ties: first seen), most frequent first. */
export function frequentLabels(labels: string[][], minCount: number, maxLabels: number): KeyVocabulary {
  const counts = new Map<string, number>();
  for (const seq of labels) for (const l of seq) counts.set(l, (counts.get(l) ?? 0) + 1);
  const kept = [...counts].filter(([, n]) => n >= minCount);
  // Map iteration is first-seen order and the sort is stable, so ties keep it
  kept.sort((a, b) => b[1] - a[1]);
  const vocab = new KeyVocabulary();
  for (const [l] of kept.slice(0, maxLabels)) vocab.id(l, true);
  return vocab;
}

const scaled = (x: number, kind: TimeScale): number => (kind === 'log' ? Math.log1p(Math.max(0, x)) : x);

/** Min and span of the (log-)response times of the training calls (span 1 when all are equal). */
function timeScale(events: EventSequence[], kind: TimeScale): { lo: number; span: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const ev of events) {
    for (let j = 0; j < ev.rt.length; j++) {
      const x = scaled(ev.rt[j], kind);
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  if (!Number.isFinite(lo)) return { lo: 0, span: 1 };
  return { lo, span: hi > lo ? hi - lo : 1 };
}

function encode(labels: string[], events: EventSequence, vocab: KeyVocabulary, scale: { lo: number; span: number }, kind: TimeScale): Encoded {
  const n = labels.length;
  const ids = new Int32Array(n + 1);
  const times = new Float32Array(n + 1);
  ids[0] = BOS;
  let unknown = false;
  for (let j = 0; j < n; j++) {
    const id = vocab.id(labels[j]);
    if (id === UNK) unknown = true;
    ids[j + 1] = id;
    times[j + 1] = (scaled(events.rt[j], kind) - scale.lo) / scale.span;
  }
  return { labels: ids, times, unknown };
}

function groupByLength(rows: number[], encoded: Encoded[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const r of rows) {
    const n = encoded[r].labels.length;
    let g = out.get(n);
    if (g === undefined) out.set(n, (g = []));
    g.push(r);
  }
  return new Map([...out].sort((a, b) => a[0] - b[0]));
}

function batch(rows: number[], encoded: Encoded[]): SequenceBatch {
  const steps = encoded[rows[0]].labels.length;
  const labels = new Int32Array(rows.length * steps);
  const times = new Float32Array(rows.length * steps);
  rows.forEach((r, k) => {
    labels.set(encoded[r].labels, k * steps);
    times.set(encoded[r].times, k * steps);
  });
  return { rows: rows.length, steps, labels, times, lastTarget: new Int32Array(rows.length).fill(EOS) };
}
