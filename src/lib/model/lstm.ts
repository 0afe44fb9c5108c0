import * as tf from '@tensorflow/tfjs';
import type { Random } from '../util/random.ts';
import { glorotNormal, type LayoutBuilder, type ParamLayout } from './params.ts';
import { columnSums, tanh } from './wasm-ops.ts';

/**
 * LSTM layers with a hand-written backward pass, for the sequence baselines (DeepLog*, Multimodal LSTM).
 *
 * Why not tf.layers.lstm or tf.grad over an unrolled cell: tfjs's stock matMul gradient uses transpose flags,
 * which the wasm backend runs ~15x slower than a plain product (see dense.ts), and wasm's Slice / Split copy
 * the whole source tensor on every call (its readSync copies the tensor out of the heap), so any per-step
 * slicing of a fused [B, 4H] gate matrix or of a [T*B, .] sequence tensor costs far more than the arithmetic.
 * So here:
 * - a sequence is a JS array of per-step tensors [B, .] (never one tensor sliced by step);
 * - each gate is one fused product with bias and activation, `sigmoid([x_t, h_{t-1}] W_gate + b_gate)` (the
 *   cell input gate g = tanh(z) as 2 sigmoid(2z) - 1, since wasm's tanh is not vectorised and its sigmoid is);
 * - backpropagation through time is explicit: per step only elementwise ops, one column concat of the four
 *   gate gradients and one product for the recurrent gradient; the weight gradient of all steps is one product
 *   per input source of the row-stacked inputs (a fast concat) at the end, with an explicit transpose, or for a
 *   one-hot source a scatter-add of the gate gradients by id.
 *
 * Parameters of layer `name`: `name.w` [I + H, 4H] (rows: the inputs, then the recurrent state; column blocks:
 * gates i, f, g, o as in Keras) and `name.b` [4H], forget-gate bias initialised to 1 (Keras' unit_forget_bias),
 * input rows Glorot normal, recurrent rows orthogonal.
 */
export function declareLstm(b: LayoutBuilder, name: string, inputDim: number, units: number): void {
  b.add(`${name}.w`, [inputDim + units, 4 * units], 'layer');
  b.add(`${name}.b`, [4 * units], 'layer');
}

/** Initial values of an LSTM layer declared with `declareLstm`, written into `flat`. */
export function initLstm(layout: ParamLayout, flat: Float32Array, name: string, inputDim: number, units: number, rng: Random): void {
  const w = layout.view(flat, `${name}.w`);
  const H4 = 4 * units;
  glorotNormal(w.subarray(0, inputDim * H4), [inputDim, H4], rng);
  orthogonalRows(w.subarray(inputDim * H4), units, H4, rng);
  const bias = layout.view(flat, `${name}.b`);
  bias.fill(0);
  bias.fill(1, units, 2 * units);
}

/** `rows` orthonormal rows of length `cols` (rows <= cols; Gram-Schmidt on normals), as Keras' orthogonal initialiser. */
export function orthogonalRows(out: Float32Array, rows: number, cols: number, rng: Random): void {
  const m = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (;;) {
      const row = m.subarray(r * cols, (r + 1) * cols);
      for (let j = 0; j < cols; j++) row[j] = rng.normal();
      for (let q = 0; q < r; q++) {
        const prev = m.subarray(q * cols, (q + 1) * cols);
        let dot = 0;
        for (let j = 0; j < cols; j++) dot += row[j] * prev[j];
        for (let j = 0; j < cols; j++) row[j] -= dot * prev[j];
      }
      let norm = 0;
      for (let j = 0; j < cols; j++) norm += row[j] * row[j];
      norm = Math.sqrt(norm);
      if (norm < 1e-6) continue; // degenerate draw: try again
      for (let j = 0; j < cols; j++) row[j] /= norm;
      break;
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = m[i];
}

/** One LSTM layer's weights prepared for a batch: per-gate kernels and biases (the cell gate's doubled). */
export class LstmWeights {
  readonly units: number;
  readonly inputDim: number;
  private readonly gates: { w: tf.Tensor2D; b: tf.Tensor1D }[];
  private wT: tf.Tensor2D | null = null;

  /** `w` [I + H, 4H] and `b` [4H], as declared by `declareLstm`. */
  constructor(readonly w: tf.Tensor2D, readonly b: tf.Tensor1D) {
    this.units = b.shape[0] / 4;
    this.inputDim = w.shape[0] - this.units;
    const H = this.units;
    this.gates = [0, 1, 2, 3].map((k) => {
      const wk = tf.slice(w, [0, k * H], [w.shape[0], H]);
      const bk = tf.slice(b, [k * H], [H]);
      return k === 2 ? { w: tf.mul(wk, 2) as tf.Tensor2D, b: tf.mul(bk, 2) as tf.Tensor1D } : { w: wk, b: bk };
    });
  }

  gate(k: number): { w: tf.Tensor2D; b: tf.Tensor1D } {
    return this.gates[k];
  }

  /** W^T [4H, I + H], for the backward pass. */
  transposed(): tf.Tensor2D {
    return (this.wT ??= tf.transpose(this.w));
  }
}

/** What the backward pass needs from a forward pass. */
export interface LstmTape {
  /** Per step, the input sources and then h_{t-1} (zeros at t = 0): the row blocks of the layer's kernel. */
  parts: tf.Tensor2D[][];
  i: tf.Tensor2D[];
  f: tf.Tensor2D[];
  g: tf.Tensor2D[];
  o: tf.Tensor2D[];
  c: tf.Tensor2D[];
  tc: tf.Tensor2D[];
}

/**
 * Runs the layer over a sequence. `inputs[t]` lists the step's input tensors [B, I_s] (several sources are
 * concatenated, in order, widths adding up to I). The state starts at zero. With `tape`, the intermediates are
 * kept for `lstmBackward` (the caller disposes them, typically with an enclosing tf.tidy); without, each step's
 * intermediates are freed as it goes and only the outputs remain.
 */
export function lstmForward(lw: LstmWeights, inputs: tf.Tensor2D[][], tape: boolean): { hs: tf.Tensor2D[]; tape: LstmTape | null } {
  const T = inputs.length;
  const hs: tf.Tensor2D[] = [];
  const rec: LstmTape | null = tape ? { parts: [], i: [], f: [], g: [], o: [], c: [], tc: [] } : null;
  let h: tf.Tensor2D | null = null;
  let c: tf.Tensor2D | null = null;
  for (let t = 0; t < T; t++) {
    const step = () => {
      const B = inputs[t][0].shape[0];
      const parts = [...inputs[t], h ?? (tf.zeros([B, lw.units]) as tf.Tensor2D)];
      const xh = tf.concat(parts, 1) as tf.Tensor2D;
      const act = (k: number) => {
        const { w, b } = lw.gate(k);
        return tf.fused.matMul({ a: xh, b: w, bias: b, activation: 'sigmoid' }) as tf.Tensor2D;
      };
      const i = act(0);
      const f = act(1);
      const g = tf.sub(tf.mul(act(2), 2), 1) as tf.Tensor2D;
      const o = act(3);
      const ig = tf.mul(i, g);
      const cNext = (c === null ? ig : tf.add(tf.mul(f, c), ig)) as tf.Tensor2D;
      const tc = tanh(cNext) as tf.Tensor2D;
      const hNext = tf.mul(o, tc) as tf.Tensor2D;
      if (rec) {
        rec.parts.push(parts);
        rec.i.push(i);
        rec.f.push(f);
        rec.g.push(g);
        rec.o.push(o);
        rec.c.push(cNext);
        rec.tc.push(tc);
      }
      return [hNext, cNext] as const;
    };
    if (rec) {
      [h, c] = step();
    } else {
      const prevC: tf.Tensor2D | null = c;
      [h, c] = tf.tidy(() => step() as unknown as tf.Tensor2D[]) as unknown as [tf.Tensor2D, tf.Tensor2D];
      prevC?.dispose();
    }
    hs.push(h);
  }
  if (!rec) c?.dispose();
  return { hs, tape: rec };
}

export interface LstmGrads {
  /** d loss / d w [I + H, 4H] and d loss / d b [4H]. */
  w: tf.Tensor2D;
  b: tf.Tensor1D;
  /** Per step, the gradient of each input source that asked for one (null for the others). */
  inputs: (tf.Tensor2D | null)[][];
}

/**
 * Backpropagation through time. `dhs[t]` is d loss / d h_t from outside the layer (null where the loss does
 * not read h_t, e.g. all but the last step of DeepLog*'s top layer); `inputWidths` are the widths of the input
 * sources in order and `inputGrad[s]` whether source s needs its gradient (false for data). `oneHotIds[s]`, for
 * a one-hot source (data), gives its ids per step: its rows of the kernel's gradient are then a scatter-add of the
 * gate gradients by id (exact, and far cheaper than the product with the transposed one-hot matrix).
 */
export function lstmBackward(
  lw: LstmWeights,
  tape: LstmTape,
  dhs: (tf.Tensor2D | null)[],
  inputWidths: number[],
  inputGrad: boolean[],
  oneHotIds?: (Int32Array[] | null)[],
): LstmGrads {
  const T = tape.parts.length;
  const H = lw.units;
  const wT = lw.transposed();
  const rows = wT.shape[0];
  const offsets: number[] = [];
  inputWidths.reduce((off, width) => (offsets.push(off), off + width), 0);
  const whT = tf.slice(wT, [0, lw.inputDim], [rows, H]);
  const wxT = inputWidths.map((width, s) => (inputGrad[s] ? tf.slice(wT, [0, offsets[s]], [rows, width]) : null));
  const dz: tf.Tensor2D[] = new Array(T);
  const dInputs: (tf.Tensor2D | null)[][] = new Array(T);
  let dhNext: tf.Tensor | null = null;
  let dcNext: tf.Tensor | null = null;
  for (let t = T - 1; t >= 0; t--) {
    const ext = dhs[t];
    const dh = ext && dhNext ? tf.add(ext, dhNext) : (ext ?? dhNext);
    const B = tape.parts[t][0].shape[0];
    if (dh === null) {
      dz[t] = tf.zeros([B, 4 * H]);
      dInputs[t] = wxT.map((w) => (w ? tf.zeros([B, w.shape[1]]) : null));
      continue;
    }
    const i = tape.i[t];
    const f = tape.f[t];
    const g = tape.g[t];
    const o = tape.o[t];
    const tc = tape.tc[t];
    const dO = tf.mul(dh, tc);
    let dc = tf.mul(tf.mul(dh, o), tf.sub(1, tf.square(tc)));
    if (dcNext) dc = tf.add(dc, dcNext);
    const sig = (a: tf.Tensor, y: tf.Tensor) => tf.mul(a, tf.mul(y, tf.sub(1, y)));
    const dzi = sig(tf.mul(dc, g), i);
    const dzf = t > 0 ? sig(tf.mul(dc, tape.c[t - 1]), f) : tf.zerosLike(f);
    const dzg = tf.mul(tf.mul(dc, i), tf.sub(1, tf.square(g)));
    const dzo = sig(dO, o);
    const d = tf.concat([dzi, dzf, dzg, dzo], 1) as tf.Tensor2D;
    dz[t] = d;
    dcNext = t > 0 ? tf.mul(dc, f) : null;
    dhNext = t > 0 ? tf.matMul(d, whT) : null;
    dInputs[t] = wxT.map((w) => (w ? (tf.matMul(d, w) as tf.Tensor2D) : null));
  }
  const dzAll = tf.concat(dz, 0) as tf.Tensor2D;
  // the kernel's gradient, one row block per input source and one for the recurrent rows: sum_t part_t^T dz_t,
  // as one product over the row-stacked steps, or, for a one-hot source, a scatter-add of dz rows by id
  const blocks = tape.parts[0].map((_, s) => {
    const ids = oneHotIds?.[s];
    if (ids) {
      const all = new Int32Array(T * ids[0].length);
      ids.forEach((step, t) => all.set(step, t * step.length));
      return tf.scatterND(tf.tensor2d(all, [all.length, 1], 'int32'), dzAll, [inputWidths[s], 4 * H]) as tf.Tensor2D;
    }
    const rows = tf.concat(tape.parts.map((p) => p[s]), 0) as tf.Tensor2D;
    return tf.matMul(tf.transpose(rows), dzAll);
  });
  return { w: tf.concat(blocks, 0) as tf.Tensor2D, b: columnSums(dzAll), inputs: dInputs };
}
