import * as tf from '@tensorflow/tfjs';
import { product } from './dense.ts';

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
  return product(x, selector(x.shape[1], from, count, false));
}

/** [a, b] side by side. */
export function joinColumns(a: tf.Tensor2D, b: tf.Tensor2D, many = a.shape[0] >= MANY_ROWS): tf.Tensor2D {
  if (!many) return tf.concat([a, b], 1);
  const width = a.shape[1] + b.shape[1];
  return tf.add(product(a, selector(width, 0, a.shape[1], true)), product(b, selector(width, a.shape[1], b.shape[1], true))) as tf.Tensor2D;
}

const selections = new Map<string, (x: tf.Tensor2D) => tf.Tensor2D>();

/**
 * Columns from..from+count of x as a product with a 0/1 matrix, differentiable with respect to x only (the
 * gradient places dy back with the transposed matrix). Cheaper than tf.slice on wasm for narrow matrices, whose
 * slice and its gradient (a pad) are strided copies.
 */
export function selectColumns(x: tf.Tensor2D, from: number, count: number): tf.Tensor2D {
  const width = x.shape[1];
  const key = `${width}/${from}/${count}`;
  let f = selections.get(key);
  if (!f) {
    const body = (a: tf.Tensor2D, save: tf.GradSaveFunc) => {
      save([]);
      return { value: tf.matMul(a, selector(width, from, count, false)), gradFunc: (dy: tf.Tensor2D) => tf.matMul(dy, selector(width, from, count, true)) };
    };
    f = tf.customGrad(body as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor2D) => tf.Tensor2D;
    selections.set(key, f);
  }
  return f(x);
}
