import type { AnomalyType, DetectorInput } from '../../src/contracts/dataset.ts';
import type { Detector, FitHooks } from '../../src/contracts/detector.ts';
import { CallPathList, type PathDefinition } from '../../src/callpaths/call-path-list.ts';
import type { EdgeLabel } from '../../src/callpaths/edges.ts';
import { encodeTraces } from '../../src/stv/encode.ts';
import { ABSENT, validSetKey, type StvMatrix } from '../../src/stv/matrix.ts';
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

interface Group {
  dims: Int32Array;
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
    let m: StvMatrix;
    if (source === 'traces') {
      this.list = CallPathList.fromTraces(train.traces!, { definition: this.options.definition, edgeLabel: this.options.edgeLabel });
      m = encodeTraces(this.list, train.traces!).matrix;
    } else {
      m = train.stv!;
    }
    if (m.ids.length === 0) throw new InputError({}, `${this.name}: no training rows`);
    this.source = source;
    this.width = m.width;
    this.dimensionIds = m.dimensionIds;
    this.groups = fitGroups(m, this.options.stdFloor);
    hooks?.progress?.({ phase: 'fit', done: m.ids.length, total: m.ids.length, metrics: { groups: this.groups.size } });
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
    let m: StvMatrix;
    let unseen: Map<number, string[]> | undefined;
    if (this.source === 'traces') {
      const enc = encodeTraces(this.list!, data.traces!);
      m = enc.matrix;
      unseen = new Map(enc.unseen.map((u) => [u.row, u.pathIds]));
    } else {
      m = data.stv!;
      if (m.width !== this.width) throw new InputError({}, `${this.name}: fitted on ${this.width} dimensions, this input has ${m.width}`);
    }
    const out: Verdict[] = new Array(m.ids.length);
    for (let i = 0; i < m.ids.length; i++) {
      const row = m.values.subarray(i * m.width, (i + 1) * m.width);
      const paths = unseen?.get(i);
      out[i] = paths ? noHstv(explain, `unseen call paths: ${paths.slice(0, 3).join(' ')}${paths.length > 3 ? ' ...' : ''}`) : this.judgeRow(row, explain);
    }
    return out;
  }

  private judgeRow(row: Float32Array, explain: boolean): Verdict {
    const key = validSetKey(row);
    const g = this.groups.get(key);
    if (g === undefined || g.count < this.options.minGroup) {
      return noHstv(explain, g === undefined ? 'no training trace has the same valid dimensions' : `only ${g.count} training traces have the same valid dimensions`);
    }
    const one = this.options.sided === 'one';
    let worst = 0;
    const out: { d: number; z: number }[] = [];
    for (let j = 0; j < g.dims.length; j++) {
      const z = (row[g.dims[j]] - g.mean[j]) / g.std[j];
      const dev = one ? z : Math.abs(z);
      if (dev > worst) worst = dev;
      if (explain && dev > this.options.k) out.push({ d: j, z });
    }
    const v: Verdict = { score: worst, type: worst > this.options.k ? 'rt' : null };
    if (explain) {
      v.reasons = out
        .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
        .map(({ d, z }): Reason => {
          const dim = g.dims[d];
          const name = this.dimensionIds?.[dim] ?? `dimension ${dim}`;
          return { type: 'rt', rule: 'out-of-band', detail: `${name}: ${row[dim]} ms, HSTV mean ${g.mean[d].toFixed(2)} +- ${this.options.k} x ${g.std[d].toFixed(2)} (z = ${z.toFixed(1)})` };
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

/** Per set of valid dimensions: mean and population std (floored) of each dimension over its rows. */
function fitGroups(m: StvMatrix, stdFloor: number): Map<string, Group> {
  const byKey = new Map<string, number[]>();
  for (let i = 0; i < m.ids.length; i++) {
    const key = validSetKey(m.values.subarray(i * m.width, (i + 1) * m.width));
    let rows = byKey.get(key);
    if (rows === undefined) byKey.set(key, (rows = []));
    rows.push(i);
  }
  const groups = new Map<string, Group>();
  for (const [key, rows] of byKey) {
    const first = rows[0] * m.width;
    const dims: number[] = [];
    for (let j = 0; j < m.width; j++) if (m.values[first + j] !== ABSENT) dims.push(j);
    const n = dims.length;
    const mean = new Float64Array(n);
    const sq = new Float64Array(n);
    for (const i of rows) for (let j = 0; j < n; j++) mean[j] += m.values[i * m.width + dims[j]];
    for (let j = 0; j < n; j++) mean[j] /= rows.length;
    for (const i of rows) for (let j = 0; j < n; j++) sq[j] += (m.values[i * m.width + dims[j]] - mean[j]) ** 2;
    const std = Float64Array.from(sq, (s) => Math.max(Math.sqrt(s / rows.length), stdFloor));
    groups.set(key, { dims: Int32Array.from(dims), mean, std, count: rows.length });
  }
  return groups;
}
