import { validKey, type SparseRow } from './sparse-row.ts';

/**
 * The HSTVs of one set of valid dimensions (paper sec. II-D: training traces whose STVs have exactly these
 * valid dimensions): per dimension, in ascending order, the mean and population std of their values.
 */
export interface HstvGroup {
  dims: Int32Array;
  mean: Float64Array;
  /** Population std, floored at the index's `stdFloor`. */
  std: Float64Array;
  count: number;
}

/** An HstvIndex as JSON (in model folders, for `traceanomaly detect`'s root causes). */
export interface HstvIndexJson {
  stdFloor: number;
  validRows: number[];
  groups: { dims: number[]; mean: number[]; std: number[]; count: number }[];
}

/** How a value is compared with its HSTVs: |z| (`two`, the paper) or z (`one`: slow-downs only). */
export const SIDES = ['two', 'one'] as const;
export type Sided = (typeof SIDES)[number];

/**
 * The HSTV index of a training set: its rows grouped by set of valid dimensions, with per-dimension mean and std
 * (std floored at `stdFloor`, 1 ms by default as in the STV normalisation). Shared by the HSTV-3sigma detector
 * (baselines/hstv) and TraceAnomaly's root-cause localiser (src/localize).
 */
export class HstvIndex {
  private constructor(
    private readonly byKey: Map<string, HstvGroup>,
    /** Training rows in which each dimension is valid. */
    private readonly validRows: Int32Array,
    readonly stdFloor: number,
  ) {}

  static fit(rows: readonly SparseRow[], width: number, stdFloor = 1): HstvIndex {
    const members = new Map<string, SparseRow[]>();
    const validRows = new Int32Array(width);
    for (const r of rows) {
      const key = validKey(r.dims);
      let g = members.get(key);
      if (g === undefined) members.set(key, (g = []));
      g.push(r);
      for (const d of r.dims) validRows[d]++;
    }
    const groups = new Map<string, HstvGroup>();
    for (const [key, rs] of members) {
      const n = rs[0].dims.length;
      const mean = new Float64Array(n);
      const sq = new Float64Array(n);
      for (const r of rs) for (let j = 0; j < n; j++) mean[j] += r.values[j];
      for (let j = 0; j < n; j++) mean[j] /= rs.length;
      for (const r of rs) for (let j = 0; j < n; j++) sq[j] += (r.values[j] - mean[j]) ** 2;
      const std = Float64Array.from(sq, (x) => Math.max(Math.sqrt(x / rs.length), stdFloor));
      groups.set(key, { dims: rs[0].dims, mean, std, count: rs.length });
    }
    return new HstvIndex(groups, validRows, stdFloor);
  }

  toJSON(): HstvIndexJson {
    return {
      stdFloor: this.stdFloor,
      validRows: Array.from(this.validRows),
      groups: [...this.byKey.values()].map((g) => ({ dims: Array.from(g.dims), mean: Array.from(g.mean), std: Array.from(g.std), count: g.count })),
    };
  }

  static fromJSON(j: HstvIndexJson): HstvIndex {
    const groups = new Map<string, HstvGroup>();
    for (const g of j.groups) {
      const dims = Int32Array.from(g.dims);
      groups.set(validKey(dims), { dims, mean: Float64Array.from(g.mean), std: Float64Array.from(g.std), count: g.count });
    }
    return new HstvIndex(groups, Int32Array.from(j.validRows), j.stdFloor);
  }

  /** Number of distinct sets of valid dimensions. */
  get size(): number {
    return this.byKey.size;
  }

  /** The HSTVs of a row (same valid dimensions), if training had any. */
  groupOf(dims: ArrayLike<number>): HstvGroup | undefined {
    return this.byKey.get(validKey(dims));
  }

  groups(): IterableIterator<HstvGroup> {
    return this.byKey.values();
  }

  /** Training rows in which dimension d is valid. */
  validCount(d: number): number {
    return this.validRows[d] ?? 0;
  }
}

/** Per valid dimension of a row (its position in `row.dims`), the signed z-score against its HSTV group. */
export function zScores(group: HstvGroup, row: SparseRow): Float64Array {
  return Float64Array.from(group.mean, (mu, j) => (row.values[j] - mu) / group.std[j]);
}

/** How far a z-score deviates in the rule's direction. */
export const deviation = (z: number, sided: Sided): number => (sided === 'one' ? z : Math.abs(z));
