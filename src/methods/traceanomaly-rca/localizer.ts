import type { DataSplit, DetectorInput } from '../../lib/contracts/dataset.ts';
import type { Localizer, RootCauseCandidate } from '../../lib/contracts/localizer.ts';
import { deviation, SIDES, zScores, type HstvGroup } from '../../lib/hstv/hstv-index.ts';
import { HSTV_SOURCE_OPTIONS, HstvReference, type EncodedRow } from '../../lib/hstv/hstv-reference.ts';
import { choice, defaultsOf, int, num, optionSchema, type OptionsOf } from '../../lib/options/schema.ts';
import { DimensionPaths } from './dimension-paths.ts';

export const TRACEANOMALY_LOCALIZER_OPTIONS = optionSchema({
  sigmaK: num(3, { gt: 0 }, { doc: 'A dimension is anomalous when its value leaves mean +- sigmaK x std of its HSTVs (3 in the paper)' }),
  sided: choice(SIDES, 'two', { doc: 'two (the paper): above or below the band; one: only slow-downs' }),
  minGroup: int(1, { min: 1 }, { doc: 'Fewest HSTVs a trace needs for the 3-sigma test; fewer counts as none (1: any HSTV, as in the paper)' }),
  ...HSTV_SOURCE_OPTIONS,
});

export type TraceAnomalyLocalizerOptions = OptionsOf<typeof TRACEANOMALY_LOCALIZER_OPTIONS>;

export const TRACEANOMALY_LOCALIZER_DEFAULTS: TraceAnomalyLocalizerOptions = defaultsOf(TRACEANOMALY_LOCALIZER_OPTIONS);

/** How a row was localised: by its HSTVs, or (none found) by the longest common path, or on vector-only data by the nearest set of valid dimensions. */
export type LocalizationMode = 'hstv' | 'common-path' | 'nearest-set';

export interface Diagnosis {
  mode: LocalizationMode;
  /** Mode 'hstv': the anomalous dimensions (ascending), and the HSTVs used. */
  anomalous?: number[];
  hstvCount?: number;
  /** Mode 'common-path': the steps of the longest common path. */
  commonPath?: string[];
  candidates: RootCauseCandidate[];
}

/**
 * TraceAnomaly's root-cause localisation (paper sec. II-D, Fig. 7). For an anomalous trace t:
 * - with HSTVs (training traces with exactly t's valid dimensions; shared HSTV index of src/hstv): a valid
 *   dimension is anomalous when its value leaves mean +- 3 std of its HSTVs; the anomalous dimension with the
 *   longest call path is the root cause (latency propagates from callees to callers). The other anomalous
 *   dimensions follow, longer paths first (ties: larger deviation), so that P@2 and P@3 are defined although the
 *   paper scores P@1 only. Score = path steps + dev / (1 + dev). When no dimension is out of band, every valid
 *   dimension is returned by deviation, scores in (-1, 0) [I].
 * - without HSTV (a path anomaly): the longest common path between t's longest call path (its longest unseen one,
 *   when it has unseen paths: the same for the paper's prefix paths) and the call path list; the next called
 *   microservice after it (the list's dimensions extending it that t lacks, the most frequent in training first)
 *   is the root cause, then the last microservice of the common path itself, then its ancestors [I for the order
 *   after the first].
 * - vector-only STVs (no dimension ids, as in the released TrainTicket data): call paths are unknown, so
 *   candidates are dimension indexes (service `dimension j`, `dimension` = j); with HSTVs the anomalous dimensions
 *   by deviation; without, the dimensions of the nearest training set of valid dimensions that t lacks (most
 *   frequent first), then those t has and that set lacks [I].
 */
export class TraceAnomalyLocalizer implements Localizer {
  readonly name = 'traceanomaly-rca';
  readonly supervised = false;
  readonly options: Readonly<TraceAnomalyLocalizerOptions>;
  private ref: HstvReference | null = null;
  private paths: DimensionPaths | null = null;

  constructor(options: Partial<TraceAnomalyLocalizerOptions> = {}) {
    this.options = { ...TRACEANOMALY_LOCALIZER_DEFAULTS, ...options };
  }

  async fit(train: DataSplit): Promise<void> {
    const input: DetectorInput = {};
    if (train.traces) input.traces = train.traces;
    if (train.stv) input.stv = train.stv;
    this.useReference(HstvReference.fit(this.name, input, this.options));
  }

  /** The fitted HSTV reference (to save it, e.g. in a model folder). */
  get reference(): HstvReference {
    if (this.ref === null) throw new Error(`${this.name}: not fitted`);
    return this.ref;
  }

  /** Uses a fitted (saved) HSTV reference instead of fitting. */
  useReference(ref: HstvReference): void {
    this.ref = ref;
    this.paths = new DimensionPaths(ref.width, ref.list, ref.dimensionIds);
  }

  async rank(data: DetectorInput, rows: number[]): Promise<RootCauseCandidate[][]> {
    return this.diagnose(data, rows).map((d) => d.candidates);
  }

  /** The ranking of each row with how it was reached (mode, anomalous dimensions, common path). */
  diagnose(data: DetectorInput, rows: number[]): Diagnosis[] {
    const ref = this.ref;
    if (ref === null) throw new Error(`${this.name}: rank before fit`);
    ref.check(data);
    return rows.map((i) => {
      const row = ref.row(data, i);
      const g = row.unseen === 0 ? ref.index.groupOf(row.dims) : undefined;
      if (g !== undefined && g.count >= this.options.minGroup) return this.byHstv(row, g);
      return this.paths!.known ? this.byCommonPath(data, i, row) : this.byNearestSet(row);
    });
  }

  private candidate(d: number, score: number): RootCauseCandidate {
    const c: RootCauseCandidate = { service: this.paths!.services[d], score, dimension: d };
    const id = this.ref!.dimensionIds?.[d];
    if (id !== undefined && this.paths!.lengths[d] >= 0) c.callPath = id;
    return c;
  }

  private byHstv(row: EncodedRow, g: HstvGroup): Diagnosis {
    const { sigmaK, sided } = this.options;
    const z = zScores(g, row);
    const dev = Float64Array.from(z, (x) => deviation(x, sided));
    const len = this.paths!.lengths;
    const out = [...dev.keys()].filter((j) => dev[j] > sigmaK);
    const anomalous = out.map((j) => row.dims[j]);
    let candidates: RootCauseCandidate[];
    if (out.length > 0) {
      candidates = out.map((j) => this.candidate(row.dims[j], Math.max(0, len[row.dims[j]]) + dev[j] / (1 + dev[j])));
    } else {
      candidates = [...dev.keys()].map((j) => this.candidate(row.dims[j], -1 / (1 + Math.max(0, dev[j]))));
    }
    return { mode: 'hstv', anomalous, hstvCount: g.count, candidates: sortCandidates(candidates) };
  }

  private byCommonPath(data: DetectorInput, i: number, row: EncodedRow): Diagnosis {
    const paths = this.paths!;
    const ref = this.ref!;
    // the trace's call paths: from the trace (unseen ones included) or from its valid dimensions
    let own: { steps: string[]; known: boolean }[];
    if (ref.source === 'traces') own = ref.list!.pathsOf(data.traces![i]).map((p) => ({ steps: p.path, known: p.known }));
    else own = [...row.dims].filter((d) => paths.steps[d] !== null).map((d) => ({ steps: paths.steps[d]!, known: true }));
    const unseen = own.filter((p) => !p.known);
    const pool = unseen.length > 0 ? unseen : own;
    let longest: string[] = [];
    for (const p of pool) if (p.steps.length >= longest.length) longest = p.steps;
    const m = paths.commonLength(longest);
    const valid = new Set(row.dims);
    const candidates: RootCauseCandidate[] = [];
    for (const d of paths.nextAfter(longest, m)) {
      if (valid.has(d)) continue;
      const n = ref.index.validCount(d);
      candidates.push(this.candidate(d, 2 + n / (n + 1)));
    }
    // then the microservice at the end of the common path, then its callers' paths, longest first
    for (let len = m; len >= 1; len--) {
      const d = paths.dimensionOf(longest.slice(0, len));
      if (d >= 0) candidates.push(this.candidate(d, len / (m + 1)));
    }
    return { mode: 'common-path', commonPath: longest.slice(0, m), candidates: sortCandidates(candidates) };
  }

  private byNearestSet(row: EncodedRow): Diagnosis {
    const ref = this.ref!;
    const own = new Set(row.dims);
    let best: HstvGroup | null = null;
    let bestDiff = Infinity;
    for (const g of ref.index.groups()) {
      let shared = 0;
      for (const d of g.dims) if (own.has(d)) shared++;
      const diff = g.dims.length + row.dims.length - 2 * shared;
      if (diff === 0) continue; // its own set, with too few HSTVs
      if (diff < bestDiff || (diff === bestDiff && g.count > best!.count)) {
        best = g;
        bestDiff = diff;
      }
    }
    const candidates: RootCauseCandidate[] = [];
    if (best !== null) {
      const theirs = new Set(best.dims);
      for (const d of best.dims) {
        if (own.has(d)) continue;
        const n = ref.index.validCount(d);
        candidates.push(this.candidate(d, 1 + n / (n + 1)));
      }
      for (const d of row.dims) {
        if (theirs.has(d)) continue;
        const n = ref.index.validCount(d);
        candidates.push(this.candidate(d, n / (n + 1)));
      }
    }
    return { mode: 'nearest-set', candidates: sortCandidates(candidates) };
  }
}

/** Best first; equal scores keep their order (dimension order). */
function sortCandidates(c: RootCauseCandidate[]): RootCauseCandidate[] {
  return c.sort((a, b) => b.score - a.score);
}
