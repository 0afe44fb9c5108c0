import { ABSENT } from '../callpaths/call-path-list.ts';

/** Value of an absent (invalid) STV dimension (paper sec. II-C), defined beside the call path list that encodes STVs. */
export { ABSENT };

/** Service trace vectors, one row per trace, row-major. Absent dimensions hold ABSENT. */
export interface StvMatrix {
  ids: string[];
  /** Number of dimensions. */
  width: number;
  values: Float32Array;
  /** Dimension ids (call path ids) when known; the released TrainTicket data has none. */
  dimensionIds?: string[];
}

export function row(m: StvMatrix, i: number): Float32Array {
  return m.values.subarray(i * m.width, (i + 1) * m.width);
}

/** Builds a matrix from rows appended one by one, growing its buffer geometrically. */
export class StvMatrixBuilder {
  private buf: Float32Array;
  private n = 0;
  readonly ids: string[] = [];
  constructor(readonly width: number, capacity = 1024) {
    this.buf = new Float32Array(Math.max(1, capacity) * Math.max(1, width));
  }
  /** A fresh row filled with ABSENT, to be written by the caller. */
  addRow(id: string): Float32Array {
    const need = (this.n + 1) * this.width;
    if (need > this.buf.length) {
      const next = new Float32Array(Math.max(need, this.buf.length * 2));
      next.set(this.buf.subarray(0, this.n * this.width));
      this.buf = next;
    }
    const r = this.buf.subarray(this.n * this.width, need);
    r.fill(ABSENT);
    this.ids.push(id);
    this.n++;
    return r;
  }
  get rows(): number {
    return this.n;
  }
  build(dimensionIds?: string[]): StvMatrix {
    const m: StvMatrix = { ids: this.ids, width: this.width, values: this.buf.slice(0, this.n * this.width) };
    if (dimensionIds) m.dimensionIds = dimensionIds;
    return m;
  }
}

/** Rows `idx` of a matrix, in that order. */
export function selectRows(m: StvMatrix, idx: ArrayLike<number>): StvMatrix {
  const values = new Float32Array(idx.length * m.width);
  const ids: string[] = new Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    values.set(m.values.subarray(i * m.width, (i + 1) * m.width), k * m.width);
    ids[k] = m.ids[i];
  }
  const out: StvMatrix = { ids, width: m.width, values };
  if (m.dimensionIds) out.dimensionIds = m.dimensionIds;
  return out;
}

/** A string key of a row's valid dimensions (for HSTV grouping, paper sec. II-D). */
export function validSetKey(r: Float32Array): string {
  const parts: number[] = [];
  for (let j = 0; j < r.length; j++) if (r[j] !== ABSENT) parts.push(j);
  return parts.join(',');
}
