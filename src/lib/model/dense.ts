import * as tf from '@tensorflow/tfjs';

/**
 * Dense layers, y = act(x W + b), with their own gradient.
 *
 * tfjs's stock matMul gradient multiplies with transposeA / transposeB flags, which the wasm backend runs about
 * 15x slower than a plain product; these layers transpose explicitly instead. Leaky ReLU is written as
 * alpha*p + (1-alpha)*relu(p), and its derivative as step(y, alpha), because wasm's own leakyRelu, maximum and
 * where kernels are 10-30x slower than relu, step and the arithmetic ops.
 */
export type Activation = 'linear' | 'leaky';

export interface DenseOptions {
  activation: Activation;
  /** Negative slope of the leaky ReLU (TensorFlow's default 0.2; 1 makes the layer linear). */
  alpha?: number;
  /** false for a layer fed by data: its input gradient is not needed and not computed. */
  inputGrad?: boolean;
}

export function leakyRelu(p: tf.Tensor, alpha: number): tf.Tensor {
  if (alpha === 1) return p;
  return tf.add(tf.mul(p, alpha), tf.mul(tf.relu(p), 1 - alpha));
}

const ones = new Map<string, tf.Tensor2D>();

/** A kept [rows, cols] matrix of ones, one per shape. */
function onesMatrix(rows: number, cols: number): tf.Tensor2D {
  const key = `${rows}x${cols}`;
  let m = ones.get(key);
  if (!m) ones.set(key, (m = tf.keep(tf.ones([rows, cols]) as tf.Tensor2D)));
  return m;
}

/**
 * Column sums of a [rows, cols] matrix (bias gradients) as a product with a row of ones: on wasm a reduction
 * over the first axis is strided and some 6x slower than this product.
 */
export function columnSums(x: tf.Tensor2D): tf.Tensor1D {
  return tf.reshape(tf.matMul(onesMatrix(1, x.shape[0]), x), [x.shape[1]]);
}

/**
 * Row sums of a [rows, cols] matrix as a product with a column of ones: the matrix is the left operand, which
 * the wasm backend does not repack (see REPACK_SIZE), so this suits fresh matrices with many columns.
 */
export function rowSums(x: tf.Tensor2D): tf.Tensor1D {
  return tf.reshape(tf.matMul(x, onesMatrix(x.shape[1], 1)), [x.shape[0]]);
}

let sumLastFn: ((x: tf.Tensor) => tf.Tensor) | null = null;

/**
 * Sum over the last axis (tf.sum(x, -1)) with its gradient written out: tfjs's own Sum gradient broadcasts dy
 * by multiplying with a ones tensor of x's shape that it fills on the host at every call ([rows x D] floats for
 * the decoder's log-density); here the ones matrix is kept, one per shape. Same values, same gradient.
 */
export function sumLastAxis(x: tf.Tensor): tf.Tensor {
  const body = (a: tf.Tensor, save: tf.GradSaveFunc) => {
    save([]);
    const shape = a.shape;
    return {
      value: tf.sum(a, -1),
      gradFunc: (dy: tf.Tensor) => {
        const d = shape[shape.length - 1];
        const rows = dy.size;
        return tf.reshape(tf.mul(tf.reshape(dy, [rows, 1]), onesMatrix(rows, d)), shape);
      },
    };
  };
  sumLastFn ??= tf.customGrad(body as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor;
  return sumLastFn(x);
}

type DenseFn = (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;
const cache = new Map<string, DenseFn>();

function make(activation: Activation, alpha: number, inputGrad: boolean): DenseFn {
  const leaky = activation === 'leaky' && alpha !== 1;
  const body = (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const p = tf.add(tf.matMul(x, w), b);
    const y = leaky ? leakyRelu(p, alpha) : p;
    save([x, w, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [sx, sw, sy] = saved as tf.Tensor2D[];
        const dp = (leaky ? tf.mul(dy, tf.step(sy, alpha)) : dy) as tf.Tensor2D;
        const dx = inputGrad ? inputGradient(dp, sw) : tf.zerosLike(sx);
        return [dx, tf.matMul(tf.transpose(sx), dp), columnSums(dp)];
      },
    };
  };
  return tf.customGrad(body as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as DenseFn;
}

/**
 * On wasm, weight matrices from this size on (elements) get their input gradient dp W^T as (W dp^T)^T: the wasm
 * backend's products (XNNPACK) repack their second operand on every call with a new tensor, which is every
 * training step, and packing the [rows x out] dp^T instead of a large W^T saves more than the two extra
 * transposes cost. Other backends have no such cost and keep the plain product.
 */
export const REPACK_SIZE = 65536;

/** dp W^T, the input gradient of x W (see REPACK_SIZE). */
function inputGradient(dp: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  if (w.size >= REPACK_SIZE && tf.getBackend() === 'wasm') return tf.transpose(tf.matMul(w, tf.transpose(dp))) as tf.Tensor2D;
  return tf.matMul(dp, tf.transpose(w));
}

/**
 * softplus(a) = log(1 + exp(a)) as relu(a) - log(sigmoid(|a|)): exact algebraically, stable (sigmoid(|a|) lies
 * in [0.5, 1)), and on wasm about 2.5x faster than tf.softplus, whose exp and log are not vectorised while
 * sigmoid is.
 */
export function softplus(a: tf.Tensor): tf.Tensor {
  return tf.sub(tf.relu(a), tf.log(tf.sigmoid(tf.abs(a))));
}

let productFn: ((x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D) | null = null;

/** x W without a bias, with the explicit-transpose gradient. */
export function product(x: tf.Tensor2D, w: tf.Tensor): tf.Tensor2D {
  const body = (a: tf.Tensor2D, b: tf.Tensor2D, save: tf.GradSaveFunc) => {
    save([a, b]);
    return {
      value: tf.matMul(a, b),
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [sa, sb] = saved as tf.Tensor2D[];
        return [tf.matMul(dy, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy)];
      },
    };
  };
  productFn ??= tf.customGrad(body as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;
  return productFn(x, w as tf.Tensor2D);
}

export function dense(x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor, opts: DenseOptions): tf.Tensor2D {
  const alpha = opts.activation === 'leaky' ? (opts.alpha ?? 0.2) : 1;
  const inputGrad = opts.inputGrad ?? true;
  const key = `${opts.activation}/${alpha}/${inputGrad}`;
  let f = cache.get(key);
  if (!f) cache.set(key, (f = make(opts.activation, alpha, inputGrad)));
  return f(x, w as tf.Tensor2D, b as tf.Tensor1D);
}
