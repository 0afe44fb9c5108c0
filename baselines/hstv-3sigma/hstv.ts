import type { AnomalyType, DetectorInput } from '../../src/lib/contracts/dataset.ts';
import { aboveThreshold } from '../../src/lib/decision/threshold.ts';
import type { Detector, FitHooks } from '../../src/lib/contracts/detector.ts';
import { deviation, SIDES, zScores } from '../../src/lib/hstv/hstv-index.ts';
import { HSTV_SOURCE_OPTIONS, HstvReference, type EncodedRow } from '../../src/lib/hstv/hstv-reference.ts';
import { choice, defaultsOf, int, num, optionSchema, type OptionsOf } from '../../src/lib/options/schema.ts';
import type { Reason, Verdict } from '../../src/lib/detector/trace-detector.ts';

/**
 * HSTV-3sigma (beyond the paper; its sec. II-D localisation machinery used as a detector): for a trace, the
 * training traces with exactly the same valid STV dimensions (its HSTVs); the trace is anomalous when one of its
 * dimensions leaves mean +- sigmaK x std of those traces' values (std over the group, population, floored at
 * `stdFloor` = 1 ms as in the STV normalisation), or when it has no HSTV (a new set of call paths, or on traces
 * an unseen call path): then a path anomaly, score +Infinity. Score = the largest |x - mean| / std over the
 * trace's dimensions (`sided: 'one'`: only slow-downs), flagged above sigmaK.
 * Works on STVs (so on the released vector-only data) and on raw traces, encoded with the call path list of
 * the training traces (`definition`, `edgeLabel` as in `stv`). `input: 'auto'` uses STVs when given.
 * The HSTV index is src/hstv's, shared with TraceAnomaly's localiser.
 */
export const HSTV_OPTIONS = optionSchema({
  sigmaK: num(3, { gt: 0 }, { doc: 'A dimension is anomalous beyond mean +- sigmaK x std of its HSTVs' }),
  minGroup: int(1, { min: 1 }, { doc: 'Fewest HSTVs a group needs to judge a trace; a smaller group counts as none' }),
  sided: choice(SIDES, 'two', { doc: 'two: slow-downs and speed-ups; one: only slow-downs' }),
  ...HSTV_SOURCE_OPTIONS,
});

export type HstvOptions = OptionsOf<typeof HSTV_OPTIONS>;

export const HSTV_DEFAULTS: HstvOptions = defaultsOf(HSTV_OPTIONS);

export class HstvDetector implements Detector {
  readonly name = 'hstv-3sigma';
  readonly needs = 'either' as const;
  readonly detects: readonly AnomalyType[] = ['path', 'rt'];
  readonly options: Readonly<HstvOptions>;
  private ref: HstvReference | null = null;

  constructor(options: Partial<HstvOptions> = {}) {
    this.options = { ...HSTV_DEFAULTS, ...options };
  }

  async fit(train: DetectorInput, hooks?: FitHooks): Promise<void> {
    this.ref = HstvReference.fit(this.name, train, this.options);
    const n = inputRows(train, this.ref.source);
    hooks?.progress?.({ phase: 'fit', done: n, total: n, unit: 'traces', metrics: { groups: this.ref.index.size } });
  }

  /** Number of distinct valid-dimension sets in training. */
  get groupCount(): number {
    return this.ref?.index.size ?? 0;
  }

  async score(data: DetectorInput): Promise<Float64Array> {
    return Float64Array.from(this.verdicts(data, false), (v) => v.score);
  }

  decide(scores: Float64Array): Uint8Array {
    return aboveThreshold(scores, this.options.sigmaK);
  }

  async anomalyTypes(data: DetectorInput): Promise<(AnomalyType | null)[]> {
    return this.verdicts(data, false).map((v) => (v.score > this.options.sigmaK ? v.type : null));
  }

  /** Verdicts with reasons: the dimensions out of band (worst first), or why there is no HSTV. */
  explain(data: DetectorInput): Verdict[] {
    return this.verdicts(data, true);
  }

  private verdicts(data: DetectorInput, explain: boolean): Verdict[] {
    const ref = this.ref;
    if (ref === null) throw new Error(`${this.name}: score before fit`);
    return ref.rows(data).map((row, i) => {
      if (row.unseen === 0) return this.judgeRow(ref, row, explain);
      if (!explain) return noHstv(false, '');
      const paths = ref.list!.pathsOf(data.traces![i]).filter((p) => !p.known).map((p) => p.id);
      return noHstv(true, `unseen call paths: ${paths.slice(0, 3).join(' ')}${paths.length > 3 ? ' ...' : ''}`);
    });
  }

  private judgeRow(ref: HstvReference, row: EncodedRow, explain: boolean): Verdict {
    const g = ref.index.groupOf(row.dims);
    if (g === undefined || g.count < this.options.minGroup) {
      return noHstv(explain, g === undefined ? 'no training trace has the same valid dimensions' : `only ${g.count} training traces have the same valid dimensions`);
    }
    const z = zScores(g, row);
    let worst = 0;
    for (const x of z) worst = Math.max(worst, deviation(x, this.options.sided));
    const v: Verdict = { score: worst, type: worst > this.options.sigmaK ? 'rt' : null };
    if (explain) {
      v.reasons = [...z.keys()]
        .filter((j) => deviation(z[j], this.options.sided) > this.options.sigmaK)
        .sort((a, b) => Math.abs(z[b]) - Math.abs(z[a]))
        .map((j): Reason => ({
          type: 'rt',
          rule: 'out-of-band',
          detail: `${ref.dimensionName(row.dims[j])}: ${row.values[j]} ms, HSTV mean ${g.mean[j].toFixed(2)} +- ${this.options.sigmaK} x ${g.std[j].toFixed(2)} (z = ${z[j].toFixed(1)})`,
        }));
    }
    return v;
  }
}

function noHstv(explain: boolean, detail: string): Verdict {
  const v: Verdict = { score: Infinity, type: 'path' };
  if (explain) v.reasons = [{ type: 'path', rule: 'no-hstv', detail }];
  return v;
}

const inputRows = (data: DetectorInput, source: 'stv' | 'traces'): number => (source === 'traces' ? data.traces!.length : data.stv!.ids.length);
