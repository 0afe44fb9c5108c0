import type { AnomalyType, DetectorInput } from '../contracts/dataset.ts';
import { choice, type OptionsOfShape } from '../options/schema.ts';
import type { Detector, FitHooks } from '../contracts/detector.ts';
import type { Trace } from '../trace/trace.ts';
import { InputError } from '../util/errors.ts';
import { entryKey } from '../trace-features/keys.ts';

/** Why a rule fired, for `explain`. */
export interface Reason {
  type: AnomalyType;
  /** The rule, e.g. 'unseen-key', 'no-transition', 'transition-time'. */
  rule: string;
  detail: string;
}

/** A method's judgement of one trace. `type` is set whenever the trace is flagged (score above the threshold). */
export interface Verdict {
  score: number;
  type: AnomalyType | null;
  reasons?: Reason[];
}

/** What a fitted method keeps for one partition of the training traces. */
export interface TraceModel {
  /** The verdict on one trace; reasons are collected only when `explain` is set. */
  judge(trace: Trace, explain: boolean): Verdict;
}

/**
 * Spec 1.2: one model for the whole service (the paper's choice, default), or one per entry API
 * (`partition: 'entry'`, keyed by the entrance call's callee#endpoint); a test trace whose entry API was never
 * seen is then flagged as a path anomaly (`unseenEntry: 'anomalous'`) or passed (`'normal'`).
 */
export const PARTITION_OPTIONS = {
  partition: choice(['none', 'entry'], 'none', { doc: 'One model for the service, or one per entry API' }),
  unseenEntry: choice(['anomalous', 'normal'], 'anomalous', { doc: "With partition entry: the verdict on a trace whose entry API training never saw" }),
};

export type PartitionOptions = OptionsOfShape<typeof PARTITION_OPTIONS>;

export const NORMAL: Verdict = { score: 0, type: null };

/** The traces of an input, or an InputError naming the method when the input has STVs only. */
export function requireTraces(data: DetectorInput, method: string): Trace[] {
  if (data.traces === undefined) throw new InputError({}, `${method} needs raw traces; this input has service trace vectors only`);
  return data.traces;
}

/**
 * Collects the rule violations of one trace. The verdict's type is 'path' when any path rule fired, else 'rt'
 * (a path anomaly usually disturbs timing as well, so the structural finding is the more specific one).
 */
export class Violations {
  count = 0;
  /** Largest deviation (|z|, or z one-sided) among the judged timings, fired or not. */
  maxDeviation = 0;
  private path = false;
  private rt = false;
  readonly reasons: Reason[] | undefined;

  constructor(explain: boolean) {
    this.reasons = explain ? [] : undefined;
  }

  /** A rule fired; `detail` is only evaluated when explaining. */
  add(type: AnomalyType, rule: string, detail: () => string): void {
    this.count++;
    if (type === 'path') this.path = true;
    else this.rt = true;
    this.reasons?.push({ type, rule, detail: detail() });
  }

  seeDeviation(d: number): void {
    if (d > this.maxDeviation) this.maxDeviation = d;
  }

  get type(): AnomalyType | null {
    return this.path ? 'path' : this.rt ? 'rt' : null;
  }

  /**
   * Score = number of violations, plus with `withDeviation` d / (d + 100) for the largest deviation d (about
   * d / 100 for small d, as spec 2.4 has it, but below 1 so that the integer part stays the violation count).
   */
  verdict(withDeviation = false): Verdict {
    const d = this.maxDeviation;
    const v: Verdict = { score: this.count + (withDeviation ? d / (d + 100) : 0), type: this.type };
    if (this.reasons) v.reasons = this.reasons;
    return v;
  }
}

const PROGRESS_EVERY = 2000;

/**
 * The common body of the rule-based trace baselines: fit one `TraceModel` per partition, score by judging each
 * trace, decide with the method's own rule (`flags`), and give each flagged trace's type.
 */
export abstract class TraceDetector implements Detector {
  readonly needs = 'traces' as const;
  abstract readonly name: string;
  abstract readonly detects: readonly AnomalyType[];
  abstract readonly options: Readonly<Record<string, unknown>>;
  /** The method's native verdict on a score (fixed in `fit`, no labels). */
  abstract flags(score: number): boolean;
  private models: Map<string, TraceModel> | null = null;
  private cache = new WeakMap<Trace[], Verdict[]>();

  protected abstract partitioning(): PartitionOptions;
  protected abstract fitModel(traces: Trace[], hooks?: FitHooks): TraceModel;

  async fit(train: DetectorInput, hooks?: FitHooks): Promise<void> {
    const traces = requireTraces(train, this.name);
    if (traces.length === 0) throw new InputError({}, `${this.name}: no training traces`);
    const models = new Map<string, TraceModel>();
    if (this.partitioning().partition === 'entry') {
      const groups = new Map<string, Trace[]>();
      for (const t of traces) {
        const k = entryKey(t);
        let g = groups.get(k);
        if (g === undefined) groups.set(k, (g = []));
        g.push(t);
      }
      let done = 0;
      for (const [k, g] of groups) {
        models.set(k, this.fitModel(g, hooks));
        hooks?.progress?.({ phase: 'fit', done: ++done, total: groups.size, unit: 'groups' });
      }
    } else {
      models.set('', this.fitModel(traces, hooks));
    }
    this.models = models;
    this.cache = new WeakMap();
  }

  /** Verdicts with reasons, for reports and debugging. */
  explain(data: DetectorInput): Verdict[] {
    return requireTraces(data, this.name).map((t) => this.judge(t, true));
  }

  async score(data: DetectorInput, hooks?: FitHooks): Promise<Float64Array> {
    const v = this.verdicts(data, hooks);
    return Float64Array.from(v, (x) => x.score);
  }

  decide(scores: Float64Array): Uint8Array {
    return Uint8Array.from(scores, (s) => (this.flags(s) ? 1 : 0));
  }

  async anomalyTypes(data: DetectorInput): Promise<(AnomalyType | null)[]> {
    return this.verdicts(data).map((v) => (this.flags(v.score) ? v.type : null));
  }

  private verdicts(data: DetectorInput, hooks?: FitHooks): Verdict[] {
    const traces = requireTraces(data, this.name);
    const hit = this.cache.get(traces);
    if (hit !== undefined && hit.length === traces.length) return hit;
    const out: Verdict[] = new Array(traces.length);
    for (let i = 0; i < traces.length; i++) {
      out[i] = this.judge(traces[i], false);
      if (hooks?.progress && (i + 1) % PROGRESS_EVERY === 0) hooks.progress({ phase: 'score', done: i + 1, total: traces.length, unit: 'traces' });
    }
    this.cache.set(traces, out);
    return out;
  }

  private judge(trace: Trace, explain: boolean): Verdict {
    if (this.models === null) throw new Error(`${this.name}: score before fit`);
    const part = this.partitioning();
    const key = part.partition === 'entry' ? entryKey(trace) : '';
    const model = this.models.get(key);
    if (model !== undefined) return model.judge(trace, explain);
    if (part.unseenEntry === 'normal') return NORMAL;
    const v: Verdict = { score: Infinity, type: 'path' };
    if (explain) v.reasons = [{ type: 'path', rule: 'unseen-entry', detail: `entry API ${key} not seen in training` }];
    return v;
  }
}
