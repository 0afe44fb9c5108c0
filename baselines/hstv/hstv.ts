import type { AnomalyType, DetectorInput } from '../../src/contracts/dataset.ts';
import type { Detector, FitHooks } from '../../src/contracts/detector.ts';
import { CallPathList, type PathDefinition } from '../../src/callpaths/call-path-list.ts';
import type { EdgeLabel } from '../../src/callpaths/edges.ts';
import { ABSENT, type StvMatrix } from '../../src/stv/matrix.ts';
import { InputError } from '../../src/util/errors.ts';
import type { Reason, Verdict } from '../shared/trace-detector.ts';

/**
 * HSTV-3sigma (beyond the paper; its sec. II-D localisation machinery used as a detector): for a trace, the
 * training traces with exactly the same valid STV dimensions (its HSTVs); the trace is anomalous when one of its
 * dimensions leaves mean +- k x std of those traces' values (std over the group, population, floored at
 * `stdFloor` = 1 ms as in the STV normalisation), or when it has no HSTV (a new set of call paths, or on traces
 * an unseen call path): then a path anomaly, score +Infinity. Score = the largest |x - mean| / std over the
 * trace's dimensions (`sided: 'one'`: only slow-downs), flagged above k.
 * Works on STVs (so on the released vector-only data) and on raw traces, encoded with the call path list of
 * the training traces (`definition`, `edgeLabel` as in `stv`). `input: 'auto'` uses STVs when given.
 */
export interface HstvOptions {
  k: number;
  stdFloor: number;
  /** Fewest HSTVs a group needs to judge a trace; a smaller group counts as none. */
  minGroup: number;
  sided: 'two' | 'one';
  input: 'auto' | 'stv' | 'traces';
  definition: PathDefinition;
  edgeLabel: EdgeLabel;
}

export const HSTV_DEFAULTS: HstvOptions = { k: 3, stdFloor: 1, minGroup: 1, sided: 'two', input: 'auto', definition: 'prefix', edgeLabel: 'service' };

/** The HSTVs of one set of valid dimensions: per dimension (in ascending order), mean and std. */
interface Group {
  mean: Float64Array;
  std: Float64Array;
  count: number;
}

export class HstvDetector implements Detector {
  readonly name = 'hstv-3sigma';
  readonly needs = 'either' as const;
  readonly detects: readonly AnomalyType[] = ['path', 'rt'];
  readonly options: Readonly<HstvOptions>;
  private groups = new Map<string, Group>();
  private width = 0;
  private source: 'stv' | 'traces' | null = null;
  private list: CallPathList | null = null;
  private dimensionIds: string[] | undefined;

  constructor(options: Partial<HstvOptions> = {}) {
    this.options = { ...HSTV_DEFAULTS, ...options };
  }

  async fit(train: DetectorInput, hooks?: FitHooks): Promise<void> {
    const source = this.pickSource(train);
    let rows: SparseRow[];
    if (source === 'traces') {
      const list = CallPathList.fromTraces(train.traces!, { definition: this.options.definition, edgeLabel: this.options.edgeLabel });
      this.list = list;
      this.width = list.width;
      this.dimensionIds = list.dimensionIds;
      rows = train.traces!.map((t) => list.encodeSparse(t));
    } else {
      const m = train.stv!;
      this.width = m.width;
      this.dimensionIds = m.dimensionIds;
      rows = sparseRows(m);
    }
    if (rows.length === 0) throw new InputError({}, `${this.name}: no training rows`);
    this.source = source;
    this.groups = fitGroups(rows, this.options.stdFloor);
    hooks?.progress?.({ phase: 'fit', done: rows.length, total: rows.length, metrics: { groups: this.groups.size } });
  }

  /** Number of distinct valid-dimension sets in training. */
  get groupCount(): number {
    return this.groups.size;
  }

  async score(data: DetectorInput): Promise<Float64Array> {
    return Float64Array.from(this.verdicts(data, false), (v) => v.score);
  }

  decide(scores: Float64Array): Uint8Array {
    return Uint8Array.from(scores, (s) => (s > this.options.k ? 1 : 0));
  }

  async anomalyTypes(data: DetectorInput): Promise<(AnomalyType | null)[]> {
    return this.verdicts(data, false).map((v) => (v.score > this.options.k ? v.type : null));
  }

  /** Verdicts with reasons: the dimensions out of band (worst first), or why there is no HSTV. */
  explain(data: DetectorInput): Verdict[] {
    return this.verdicts(data, true);
  }

  private pickSource(data: DetectorInput): 'stv' | 'traces' {
    const want = this.source ?? this.options.input;
    if (want === 'stv' || (want === 'auto' && data.stv !== undefined)) {
      if (data.stv === undefined) throw new InputError({}, `${this.name} was fitted on service trace vectors; this input has none`);
      return 'stv';
    }
    if (data.traces === undefined) throw new InputError({}, `${this.name} was fitted on raw traces; this input has none`);
    return 'traces';
  }

  private verdicts(data: DetectorInput, explain: boolean): Verdict[] {
    if (this.source === null) throw new Error(`${this.name}: score before fit`);
    this.pickSource(data);
    if (this.source === 'traces') {
      const list = this.list!;
      return data.traces!.map((t) => {
        const row = list.encodeSparse(t);
        if (row.unseen === 0) return this.judgeRow(row, explain);
        if (!explain) return noHstv(false, '');
        const paths = list.pathsOf(t).filter((p) => !p.known).map((p) => p.id);
        return noHstv(true, `unseen call paths: ${paths.slice(0, 3).join(' ')}${paths.length > 3 ? ' ...' : ''}`);
      });
    }
    const m = data.stv!;
    if (m.width !== this.width) throw new InputError({}, `${this.name}: fitted on ${this.width} dimensions, this input has ${m.width}`);
    return sparseRows(m).map((row) => this.judgeRow(row, explain));
  }

  private judgeRow(row: SparseRow, explain: boolean): Verdict {
    const g = this.groups.get(keyOf(row.dims));
    if (g === undefined || g.count < this.options.minGroup) {
      return noHstv(explain, g === undefined ? 'no training trace has the same valid dimensions' : `only ${g.count} training traces have the same valid dimensions`);
    }
    const one = this.options.sided === 'one';
    let worst = 0;
    const out: { j: number; z: number }[] = [];
    for (let j = 0; j < g.mean.length; j++) {
      const z = (row.values[j] - g.mean[j]) / g.std[j];
      const dev = one ? z : Math.abs(z);
      if (dev > worst) worst = dev;
      if (explain && dev > this.options.k) out.push({ j, z });
    }
    const v: Verdict = { score: worst, type: worst > this.options.k ? 'rt' : null };
    if (explain) {
      v.reasons = out
        .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
        .map(({ j, z }): Reason => {
          const dim = row.dims[j];
          const name = this.dimensionIds?.[dim] ?? `dimension ${dim}`;
          return { type: 'rt', rule: 'out-of-band', detail: `${name}: ${row.values[j]} ms, HSTV mean ${g.mean[j].toFixed(2)} +- ${this.options.k} x ${g.std[j].toFixed(2)} (z = ${z.toFixed(1)})` };
        });
    }
    return v;
  }
}

function noHstv(explain: boolean, detail: string): Verdict {
  const v: Verdict = { score: Infinity, type: 'path' };
  if (explain) v.reasons = [{ type: 'path', rule: 'no-hstv', detail }];
  return v;
}

/** A row's valid dimensions (ascending) and their values. */
interface SparseRow {
  dims: Int32Array;
  values: ArrayLike<number>;
}

function sparseRows(m: StvMatrix): SparseRow[] {
  const out: SparseRow[] = new Array(m.ids.length);
  const dims: number[] = [];
  for (let i = 0; i < m.ids.length; i++) {
    const off = i * m.width;
    dims.length = 0;
    for (let j = 0; j < m.width; j++) if (m.values[off + j] !== ABSENT) dims.push(j);
    const d = Int32Array.from(dims);
    out[i] = { dims: d, values: Float64Array.from(d, (j) => m.values[off + j]) };
  }
  return out;
}

const keyOf = (dims: Int32Array): string => dims.join(',');

/** Per set of valid dimensions: mean and population std (floored) of each dimension over its rows. */
function fitGroups(rows: readonly SparseRow[], stdFloor: number): Map<string, Group> {
  const byKey = new Map<string, SparseRow[]>();
  for (const r of rows) {
    const key = keyOf(r.dims);
    let g = byKey.get(key);
    if (g === undefined) byKey.set(key, (g = []));
    g.push(r);
  }
  const groups = new Map<string, Group>();
  for (const [key, members] of byKey) {
    const n = members[0].dims.length;
    const mean = new Float64Array(n);
    const sq = new Float64Array(n);
    for (const r of members) for (let j = 0; j < n; j++) mean[j] += r.values[j];
    for (let j = 0; j < n; j++) mean[j] /= members.length;
    for (const r of members) for (let j = 0; j < n; j++) sq[j] += (r.values[j] - mean[j]) ** 2;
    const std = Float64Array.from(sq, (x) => Math.max(Math.sqrt(x / members.length), stdFloor));
    groups.set(key, { mean, std, count: members.length });
  }
  return groups;
}
