import type { AnomalyType } from '../../src/lib/contracts/dataset.ts';
import type { Trace } from '../../src/lib/trace/trace.ts';
import { SEQUENCE_OPTIONS } from '../../src/lib/trace-features/linearise.ts';
import { encodeSequence } from '../../src/lib/trace-features/sequences.ts';
import { quantile } from '../../src/lib/decision/three-sigma.ts';
import { PARTITION_OPTIONS, TraceDetector, type PartitionOptions, type TraceModel, type Verdict } from '../../src/lib/detector/trace-detector.ts';
import { KeyVocabulary, UNK } from '../../src/lib/trace-features/vocabulary.ts';
import { bool, defaultsOf, num, optionSchema, type OptionsOf } from '../../src/lib/options/schema.ts';
import { PST_OPTIONS, PredictionSuffixTree, type WeightedSequence } from './suffix-tree.ts';

/**
 * CPD-based detector (Bao et al., JSS'18; paper sec. I-A; spec 5): the conditional probability of each next
 * key given the preceding ones, from a prediction suffix tree of the normal traces' key sequences (EOS
 * included); a trace's similarity is its mean log probability per key (Sun et al.'s normalised probability),
 * and it is anomalous when that falls below theta, the `thetaQuantile` quantile of the training traces'
 * similarities (0.5 % by default). Score = theta - Sim (> 0: anomalous). Path anomalies only: no timing.
 * `minStepLogP` also flags a trace with any key never seen after its context (score + 1 then).
 */
export const CPD_OPTIONS = optionSchema({
  ...SEQUENCE_OPTIONS,
  ...PARTITION_OPTIONS,
  ...PST_OPTIONS,
  thetaQuantile: num(0.005, { min: 0, max: 1 }, { doc: "theta, the similarity below which a trace is anomalous, is this quantile of the training traces' similarities" }),
  minStepLogP: bool(false, { doc: 'Also flag a trace with any key never seen after its context' }),
  stepEps: num(1e-9, { min: 0 }, { doc: 'With minStepLogP: a step counts as never seen when its log probability is below log gammaMin + stepEps' }),
});

export type CpdOptions = OptionsOf<typeof CPD_OPTIONS>;

export const CPD_DEFAULTS: CpdOptions = defaultsOf(CPD_OPTIONS);

export class CpdDetector extends TraceDetector {
  readonly name = 'cpd';
  readonly detects: readonly AnomalyType[] = ['path'];
  readonly options: Readonly<CpdOptions>;

  constructor(options: Partial<CpdOptions> = {}) {
    super();
    this.options = { ...CPD_DEFAULTS, ...options };
  }

  flags(score: number): boolean {
    return score > 0;
  }

  protected partitioning(): PartitionOptions {
    return this.options;
  }

  protected fitModel(traces: Trace[]): TraceModel {
    return CpdModel.fit(traces, this.options);
  }
}

class CpdModel implements TraceModel {
  theta = 0;

  private constructor(
    private readonly opts: CpdOptions,
    private readonly vocab: KeyVocabulary,
    readonly tree: PredictionSuffixTree,
  ) {}

  static fit(traces: Trace[], opts: CpdOptions): CpdModel {
    const vocab = new KeyVocabulary();
    const distinct = new Map<string, WeightedSequence>();
    const which: WeightedSequence[] = [];
    for (const t of traces) {
      const { ids } = encodeSequence(t, vocab, opts, true);
      const key = ids.join(',');
      let w = distinct.get(key);
      if (w === undefined) distinct.set(key, (w = { ids, count: 0 }));
      w.count++;
      which.push(w);
    }
    // alphabet: the training keys and EOS (ids 4.. and 2)
    const alphabet = vocab.size - UNK;
    const tree = PredictionSuffixTree.build([...distinct.values()], vocab.size, alphabet, opts);
    const model = new CpdModel(opts, vocab, tree);
    const simOf = new Map<WeightedSequence, number>();
    for (const w of distinct.values()) simOf.set(w, model.similarity(w.ids).sim);
    model.theta = quantile(Float64Array.from(which, (w) => simOf.get(w)!), opts.thetaQuantile);
    return model;
  }

  /** Sim = mean log gamma per key, and the lowest step. */
  similarity(ids: Int32Array): { sim: number; minStep: number; minAt: number } {
    const steps = this.tree.stepLogProbs(ids);
    let sum = 0;
    let minStep = Infinity;
    let minAt = -1;
    for (let i = 0; i < steps.length; i++) {
      sum += steps[i];
      if (steps[i] < minStep) {
        minStep = steps[i];
        minAt = i;
      }
    }
    return { sim: sum / steps.length, minStep, minAt };
  }

  judge(trace: Trace, explain: boolean): Verdict {
    const { ids, events } = encodeSequence(trace, this.vocab, this.opts, false);
    const { sim, minStep, minAt } = this.similarity(ids);
    let score = this.theta - sim;
    const stepHit = this.opts.minStepLogP && minStep < Math.log(this.tree.gammaMin) + this.opts.stepEps;
    if (stepHit) score = Math.max(score, 0) + 1;
    const v: Verdict = { score, type: score > 0 ? 'path' : null };
    if (explain) {
      v.reasons = [];
      const keyAt = (i: number) => (i < events.keys.length ? events.keys[i] : 'EOS');
      if (this.theta - sim > 0) v.reasons.push({ type: 'path', rule: 'low-similarity', detail: `Sim ${sim.toFixed(4)} < theta ${this.theta.toFixed(4)}; least likely step: ${keyAt(minAt)} (log p ${minStep.toFixed(3)})` });
      if (stepHit) v.reasons.push({ type: 'path', rule: 'min-step', detail: `${keyAt(minAt)} (event ${minAt}) was never seen after its context` });
    }
    return v;
  }
}
