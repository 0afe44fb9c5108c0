import { ABSENT, type StvMatrix } from '../stv/matrix.ts';

/** A row's valid STV dimensions (ascending) and their values (paper sec. II-C: the other dimensions are -1). */
export interface SparseRow {
  dims: Int32Array;
  values: ArrayLike<number>;
}

/** Row i of a matrix in sparse form. */
export function sparseRow(m: StvMatrix, i: number): SparseRow {
  const off = i * m.width;
  const dims: number[] = [];
  for (let j = 0; j < m.width; j++) if (m.values[off + j] !== ABSENT) dims.push(j);
  const d = Int32Array.from(dims);
  return { dims: d, values: Float64Array.from(d, (j) => m.values[off + j]) };
}

export function sparseRows(m: StvMatrix): SparseRow[] {
  return Array.from({ length: m.ids.length }, (_, i) => sparseRow(m, i));
}

/** The key of a set of valid dimensions (the same string as `validSetKey` of src/lib/stv/matrix.ts). */
export const validKey = (dims: ArrayLike<number>): string => Array.prototype.join.call(dims, ',');
