import type { DataSplit, DetectorInput } from '../../src/lib/contracts/dataset.ts';
import type { Localizer, RootCauseCandidate } from '../../src/lib/contracts/localizer.ts';
import { parseRootCause } from '../../src/lib/metrics/root-cause.ts';
import { bool, choice, defaultsOf, int, num, optionSchema, type OptionsOf } from '../../src/lib/options/schema.ts';
import { InputError } from '../../src/lib/util/errors.ts';
import { requireTraces } from '../../src/lib/detector/trace-detector.ts';
import type { Classifier } from './classifier.ts';
import { traceFeatures } from './features.ts';
import { ForestClassifier } from './forest.ts';
import { KnnClassifier } from './knn.ts';
import { MlpClassifier } from './mlp.ts';

export const MEPFL_LEARNERS = ['rf', 'knn', 'mlp'] as const;
export const MAX_FEATURES = ['sqrt', 'all'] as const;
export const CLASS_WEIGHTS = ['balanced', 'none'] as const;

/**
 * MEPFL (Zhou et al., ESEC/FSE'19; spec sec. 11, [I] for the vectorisation and hyperparameters), supervised:
 * trained on labelled fault-injection traces, the trace-level faulty-microservice model (b) ranks the
 * microservices of an anomalous trace by class probability. Features: the trace-only set (features.ts; resource
 * features need telemetry that traces lack), standardised with the training mean and std. The class of a training
 * trace is the first microservice its root cause names (for an external fault, the microservice that calls the
 * external service, else `external:NAME`). `learner`: random forest (`rf`, 100 trees, Gini, sqrt features),
 * `knn` (k = 5) or `mlp` (100 ReLU units, Adam lr 1e-3, 200 epochs); `classWeight: 'balanced'` weighs each class
 * by n / (classes x its count). `includeNormal` adds normal traces as a class `none` (never a candidate).
 * Not implemented: the latent-error (a) and fault-type (c) models and the per-microservice models (spec 11.2's
 * option); localisation uses (b) only.
 */
export const MEPFL_OPTIONS = optionSchema({
  learner: choice(MEPFL_LEARNERS, 'rf', { doc: 'Classifier: random forest, k nearest neighbours or a multi-layer perceptron' }),
  trees: int(100, { min: 1 }, { doc: 'rf: trees of the forest' }),
  maxFeatures: choice(MAX_FEATURES, 'sqrt', { doc: 'rf: features tried per split (sqrt of the feature count, or all)' }),
  maxDepth: int(64, { min: 1 }, { doc: 'rf: deepest a tree grows' }),
  minLeaf: int(1, { min: 1 }, { doc: 'rf: fewest samples in a leaf' }),
  bootstrap: bool(true, { doc: 'rf: each tree on a bootstrap sample (else on every row)' }),
  neighbors: int(5, { min: 1 }, { doc: 'knn: k, the neighbours that vote' }),
  hidden: int(100, { min: 1 }, { doc: 'mlp: ReLU units of the hidden layer' }),
  epochs: int(200, { min: 1 }, { doc: 'mlp: training epochs' }),
  learningRate: num(1e-3, { gt: 0 }, { doc: "mlp: Adam's learning rate" }),
  batchSize: int(200, { min: 1 }, { doc: 'mlp: minibatch size' }),
  l2: num(1e-4, { min: 0 }, { doc: "mlp: L2 penalty on the weights (scikit-learn's alpha)" }),
  classWeight: choice(CLASS_WEIGHTS, 'balanced', { doc: 'balanced: each class weighed by n / (classes x its count); none: all 1' }),
  includeNormal: bool(false, { doc: "Add the normal training traces as a class 'none' (never a candidate)" }),
  seed: int(0, { min: 0 }, { doc: "Seed of the forest's and the MLP's random choices (an experiment cell's seed replaces it)" }),
});

export type MepflOptions = OptionsOf<typeof MEPFL_OPTIONS>;

export const MEPFL_DEFAULTS: MepflOptions = defaultsOf(MEPFL_OPTIONS);

const NONE = 'none';

/** The class a labelled root cause trains: its first microservice, else its external service. */
export function faultyService(rootCause: string): string | null {
  const t = parseRootCause(rootCause);
  return t.services[0] ?? (t.external[0] !== undefined ? `external:${t.external[0]}` : null);
}

export class MepflLocalizer implements Localizer {
  readonly name = 'mepfl';
  readonly supervised = true;
  readonly options: Readonly<MepflOptions>;
  private services = new Map<string, number>();
  private classes: string[] = [];
  private mean = new Float64Array(0);
  private std = new Float64Array(0);
  private model: Classifier | null = null;

  constructor(options: Partial<MepflOptions> = {}) {
    this.options = { ...MEPFL_DEFAULTS, ...options };
  }

  async fit(train: DataSplit): Promise<void> {
    const traces = requireTraces(train, this.name);
    const labels = train.labels;
    const rows: { i: number; cls: string }[] = [];
    traces.forEach((t, i) => {
      const l = labels?.get(t.id);
      if (l?.label === 1 && l.rootCause) {
        const cls = faultyService(l.rootCause);
        if (cls !== null) rows.push({ i, cls });
      } else if (l?.label === 0 && this.options.includeNormal) rows.push({ i, cls: NONE });
    });
    if (!rows.some((r) => r.cls !== NONE)) {
      throw new InputError({}, `${this.name} is supervised: its training data needs labelled fault-injection traces (label 1 with a root cause)`);
    }
    const names = [...new Set(traces.flatMap((t) => t.calls.map((c) => c.callee)))].sort();
    this.services = new Map(names.map((s, i) => [s, i]));
    this.classes = [...new Set(rows.map((r) => r.cls))].sort();
    const raw = rows.map((r) => traceFeatures(traces[r.i], this.services));
    this.fitScaler(raw);
    const x = raw.map((v) => this.scale(v));
    const y = Int32Array.from(rows, (r) => this.classes.indexOf(r.cls));
    const counts = new Float64Array(this.classes.length);
    for (const c of y) counts[c]++;
    const w = Float64Array.from(y, (c) => (this.options.classWeight === 'balanced' ? rows.length / (this.classes.length * counts[c]) : 1));
    this.model = this.makeModel();
    this.model.fit(x, y, this.classes.length, w);
  }

  async rank(data: DetectorInput, rows: number[]): Promise<RootCauseCandidate[][]> {
    if (this.model === null) throw new Error(`${this.name}: rank before fit`);
    const traces = requireTraces(data, this.name);
    return rows.map((r) => {
      const p = this.model!.proba(this.scale(traceFeatures(traces[r], this.services)));
      return this.classes
        .map((service, c) => ({ service, score: p[c] }))
        .filter((c) => c.service !== NONE)
        .sort((a, b) => b.score - a.score);
    });
  }

  private makeModel(): Classifier {
    const o = this.options;
    if (o.learner === 'knn') return new KnnClassifier(o.neighbors);
    if (o.learner === 'mlp') return new MlpClassifier({ hidden: o.hidden, epochs: o.epochs, learningRate: o.learningRate, batchSize: o.batchSize, l2: o.l2, seed: o.seed });
    return new ForestClassifier({ trees: o.trees, maxFeatures: o.maxFeatures, maxDepth: o.maxDepth, minLeaf: o.minLeaf, bootstrap: o.bootstrap, seed: o.seed });
  }

  private fitScaler(x: Float64Array[]): void {
    const f = x[0].length;
    this.mean = new Float64Array(f);
    this.std = new Float64Array(f);
    for (const v of x) for (let j = 0; j < f; j++) this.mean[j] += v[j] / x.length;
    for (const v of x) for (let j = 0; j < f; j++) this.std[j] += (v[j] - this.mean[j]) ** 2 / x.length;
    for (let j = 0; j < f; j++) this.std[j] = Math.sqrt(this.std[j]) || 1;
  }

  private scale(v: Float64Array): Float64Array {
    return Float64Array.from(v, (x, j) => (x - this.mean[j]) / this.std[j]);
  }
}
