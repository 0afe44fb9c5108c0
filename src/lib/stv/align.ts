import { InputError } from '../util/errors.ts';
import { ABSENT, type StvMatrix } from './matrix.ts';

/**
 * Puts a matrix into the column order of the training dimensions. With dimension ids on both sides, columns
 * are matched by id: training dimensions the input lacks become absent, and input dimensions that training
 * never had are appended after the training ones (their ids in `dimensionIds`), so the unseen rule can see
 * them. Without ids (the released format) the widths must agree.
 */
export function alignToTraining(m: StvMatrix, trainingWidth: number, trainingIds: string[] | undefined, source = 'input'): StvMatrix {
  if (!trainingIds || !m.dimensionIds) {
    if (m.width !== trainingWidth) throw new InputError({ file: source }, `has ${m.width} dimensions but the model was trained on ${trainingWidth}`);
    return trainingIds ? { ...m, dimensionIds: trainingIds } : m;
  }
  const index = new Map(trainingIds.map((id, j) => [id, j]));
  const extra = m.dimensionIds.filter((id) => !index.has(id));
  const ids = [...trainingIds, ...extra];
  extra.forEach((id, k) => index.set(id, trainingWidth + k));
  const target = m.dimensionIds.map((id) => index.get(id)!);
  const w = ids.length;
  const n = m.ids.length;
  const values = new Float32Array(n * w).fill(ABSENT);
  for (let i = 0; i < n; i++) for (let j = 0; j < m.width; j++) values[i * w + target[j]] = m.values[i * m.width + j];
  return { ids: m.ids, width: w, values, dimensionIds: ids };
}

/** Only the training columns of a matrix, in training order (by id where both name them): what a model knows. */
export function trainingColumns(m: StvMatrix, trainingWidth: number, trainingIds: string[] | undefined, source = 'input'): StvMatrix {
  const a = alignToTraining(m, trainingWidth, trainingIds, source);
  if (a.width === trainingWidth) return a;
  const values = new Float32Array(a.ids.length * trainingWidth);
  for (let i = 0; i < a.ids.length; i++) values.set(a.values.subarray(i * a.width, i * a.width + trainingWidth), i * trainingWidth);
  return { ids: a.ids, width: trainingWidth, values, ...(trainingIds ? { dimensionIds: trainingIds } : {}) };
}
