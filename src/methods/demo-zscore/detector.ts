import type { AnomalyType, DetectorInput } from '../../lib/contracts/dataset.ts';
import { aboveThreshold } from '../../lib/decision/threshold.ts';
import type { Detector } from '../../lib/contracts/detector.ts';
import { ABSENT, validSetKey, row, type StvMatrix } from '../../lib/stv/matrix.ts';
import { Random } from '../../lib/util/random.ts';
import { bool, defaultsOf, int, num, optionSchema, type OptionsOf } from '../../lib/options/schema.ts';

export const ZSCORE_OPTIONS = optionSchema({
  threshold: num(3, { gt: 0 }, { doc: 'z above which a dimension is anomalous' }),
  paths: bool(true, { doc: 'Whether a set of valid dimensions never seen in training makes a trace anomalous (type path)' }),
  sample: num(1, { gt: 0, max: 1 }, { doc: 'Share of the training rows used, drawn with the seed' }),
  seed: int(1, { min: 0 }, { doc: 'Seed of the training sample (a cell\'s seed replaces it)' }),
});

export type ZScoreOptions = OptionsOf<typeof ZSCORE_OPTIONS>;

function stvOf(data: DetectorInput): StvMatrix {
  if (!data.stv) throw new Error('the z-score detector reads STVs');
  return data.stv;
}

/**
 * A deliberately simple detector for the demo experiment and the runner's tests (not a paper method): per STV
 * dimension, mean and std of the training values; a trace's score is its largest |z|, and +Infinity when its set
 * of valid dimensions never occurred in training (with `paths`). It names the type it flags: `path` for a new
 * set of dimensions, `rt` for a large z.
 */
export class ZScoreDetector implements Detector {
  readonly name: string;
  readonly needs = 'stv' as const;
  readonly detects: readonly AnomalyType[];
  readonly options: Readonly<ZScoreOptions>;
  private mean = new Float64Array(0);
  private std = new Float64Array(0);
  private sets = new Set<string>();

  constructor(name: string, options: Partial<ZScoreOptions> = {}) {
    this.name = name;
    this.options = { ...defaultsOf(ZSCORE_OPTIONS), ...options };
    this.detects = this.options.paths ? ['rt', 'path'] : ['rt'];
    if (this.options.paths) this.anomalyTypes = (data) => this.namedTypes(data);
  }

  async fit(train: DetectorInput): Promise<void> {
    const m = stvOf(train);
    const rows = new Random(this.options.seed).permutation(m.ids.length).slice(0, Math.max(1, Math.round(m.ids.length * this.options.sample)));
    const n = new Float64Array(m.width);
    const s = new Float64Array(m.width);
    const s2 = new Float64Array(m.width);
    for (const i of rows) {
      const r = row(m, i);
      this.sets.add(validSetKey(r));
      for (let j = 0; j < m.width; j++) {
        if (r[j] === ABSENT) continue;
        n[j]++;
        s[j] += r[j];
        s2[j] += r[j] * r[j];
      }
    }
    this.mean = s.map((x, j) => (n[j] ? x / n[j] : 0));
    this.std = s2.map((x, j) => (n[j] ? Math.max(1, Math.sqrt(Math.max(0, x / n[j] - this.mean[j] ** 2))) : 1));
  }

  private zmax(r: Float32Array): number {
    let z = 0;
    for (let j = 0; j < r.length; j++) if (r[j] !== ABSENT) z = Math.max(z, Math.abs(r[j] - this.mean[j]) / this.std[j]);
    return z;
  }

  async score(data: DetectorInput): Promise<Float64Array> {
    const m = stvOf(data);
    const out = new Float64Array(m.ids.length);
    for (let i = 0; i < out.length; i++) {
      const r = row(m, i);
      out[i] = this.options.paths && !this.sets.has(validSetKey(r)) ? Infinity : this.zmax(r);
    }
    return out;
  }

  decide(scores: Float64Array): Uint8Array {
    return aboveThreshold(scores, this.options.threshold);
  }

  /** Only with `paths`: without it the detector names no types (and has no per-type precision). */
  readonly anomalyTypes?: (data: DetectorInput) => Promise<(AnomalyType | null)[]>;

  private async namedTypes(data: DetectorInput): Promise<(AnomalyType | null)[]> {
    const scores = await this.score(data);
    return Array.from(scores, (s) => (s === Infinity ? 'path' : s > this.options.threshold ? 'rt' : null));
  }
}
