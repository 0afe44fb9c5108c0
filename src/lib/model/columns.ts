import * as tf from '@tensorflow/tfjs';

/**
 * Column slices and joins of [rows, width] tensors. tf.split / tf.concat cost little per call but, on wasm,
 * some 20x more per element than a small matrix product, so for many rows (scoring: L_z samples x traces)
 * the columns are taken and put back with 0/1 matrices instead. Both paths give the same values exactly.
 */
export const MANY_ROWS = 1024;

const selectors = new Map<string, tf.Tensor2D>();

/** The [width, count] 0/1 matrix (kept: one per shape) taking columns from..from+count (or its transpose, placing them back). */
export function selector(width: number, from: number, count: number, place: boolean): tf.Tensor2D {
  const key = `${width}/${from}/${count}/${place}`;
  let s = selectors.get(key);
  if (!s) {
    const m = new Float32Array(width * count);
    for (let j = 0; j < count; j++) m[place ? j * width + from + j : (from + j) * count + j] = 1;
    s = tf.keep(tf.tensor2d(m, place ? [count, width] : [width, count]));
    selectors.set(key, s);
  }
  return s;
}

/** Columns from..from+count of x. */
export function takeColumns(x: tf.Tensor2D, from: number, count: number, many = x.shape[0] >= MANY_ROWS): tf.Tensor2D {
  if (!many) return tf.slice(x, [0, from], [-1, count]);
  return selectColumns(x, from, count);
}

/** [a, b] side by side. */
export function joinColumns(a: tf.Tensor2D, b: tf.Tensor2D, many = a.shape[0] >= MANY_ROWS): tf.Tensor2D {
  if (!many) return tf.concat([a, b], 1);
  const width = a.shape[1] + b.shape[1];
  return tf.add(placeColumns(a, width, 0), placeColumns(b, width, a.shape[1])) as tf.Tensor2D;
}

const byConstant = new Map<string, (x: tf.Tensor2D) => tf.Tensor2D>();

/**
 * x m for a constant 0/1 matrix m, differentiable with respect to x only: the gradient is dy m^T, given as `mT`
 * (the selectors come in transposed pairs, so no transpose is taken).
 */
function timesConstant(x: tf.Tensor2D, key: string, m: tf.Tensor2D, mT: tf.Tensor2D): tf.Tensor2D {
  let f = byConstant.get(key);
  if (!f) {
    const body = (a: tf.Tensor2D, save: tf.GradSaveFunc) => {
      save([]);
      return { value: tf.matMul(a, m), gradFunc: (dy: tf.Tensor2D) => tf.matMul(dy, mT) };
    };
    f = tf.customGrad(body as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor2D) => tf.Tensor2D;
    byConstant.set(key, f);
  }
  return f(x);
}

/**
 * Columns from..from+count of x as a product with a 0/1 matrix, differentiable with respect to x only (the
 * gradient places dy back with the transposed matrix). Cheaper than tf.slice on wasm for narrow matrices, whose
 * slice and its gradient (a pad) are strided copies.
 */
export function selectColumns(x: tf.Tensor2D, from: number, count: number): tf.Tensor2D {
  const width = x.shape[1];
  return timesConstant(x, `take/${width}/${from}/${count}`, selector(width, from, count, false), selector(width, from, count, true));
}

/** x placed in columns from..from+x.shape[1] of a [rows, width] matrix of zeros (the inverse of selectColumns). */
function placeColumns(x: tf.Tensor2D, width: number, from: number): tf.Tensor2D {
  const count = x.shape[1];
  return timesConstant(x, `place/${width}/${from}/${count}`, selector(width, from, count, true), selector(width, from, count, false));
}
