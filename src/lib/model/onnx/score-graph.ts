import { AffineCoupling } from '../flows/coupling.ts';
import { ActNorm } from '../flows/actnorm.ts';
import { InvertibleDense } from '../flows/invertible-dense.ts';
import { HALF_LOG_2PI } from '../gaussian.ts';
import type { FlowVae } from '../vae.ts';
import { encodeModel, type GraphSpec, type Initializer, type NodeSpec } from './proto.ts';

/** Why a model cannot be scored by the ONNX graph (null when it can). */
export function scoreGraphProblem(model: FlowVae): string | null {
  const bad = model.flow.find((l) => !(l instanceof ActNorm || l instanceof AffineCoupling || l instanceof InvertibleDense));
  return bad ? `the ${bad.kind} flow has no ONNX scoring graph (RealNVP and K = 0 have)` : null;
}

/**
 * The whole importance-sampled scoring pass of the flow-VAE (Eq. 3) as one ONNX graph, the same arithmetic as
 * FlowVae.logWeights and scoreRows: inputs `x` [n, D] and `eps` [L * n, Z] (sample l of row i at row l * n + i),
 * outputs `logPx` [n] (log-sum-exp of the L log weights less log L) and `elbo` [n] (their mean). The parameters
 * are constants of the graph; the few that tfjs combines per call (the invertible dense layers' W = P L U, the
 * ActNorm scales exp(logScale), the summed constant log-determinants) are combined here once, in double
 * precision, and rounded to float32.
 */
export function scoreGraph(model: FlowVae, flat: Float32Array, samples: number): Uint8Array {
  const c = model.config;
  const D = c.inputDim;
  const Z = c.zDim;
  const L = samples;
  const nodes: NodeSpec[] = [];
  const inits: Initializer[] = [];
  let counter = 0;
  const fresh = (base: string) => `${base}_${counter++}`;
  const param = (name: string): string => {
    const spec = model.layout.specs.find((s) => s.name === name)!;
    inits.push({ name, dims: spec.shape, data: model.layout.view(flat, name).slice() });
    return name;
  };
  const constant = (values: number[], dims: number[] = [values.length]): string => {
    const name = fresh('const');
    inits.push({ name, dims, data: Float32Array.from(values) });
    return name;
  };
  const ints = (values: number[]): string => {
    const name = fresh('ints');
    inits.push({ name, dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });
    return name;
  };
  const op = (type: string, inputs: string[], attrs?: NodeSpec['attrs']): string => {
    const out = fresh(type.toLowerCase());
    nodes.push({ op: type, inputs, outputs: [out], ...(attrs ? { attrs } : {}) });
    return out;
  };
  const scalar = (v: number) => constant([v], []);
  /** Parameters of the same number of rows placed side by side (row-major [rows, sum of widths]; a bias is 1 row). */
  const joined = (names: string[], rows: number): string => {
    const parts = names.map((n) => model.layout.view(flat, n));
    const widths = parts.map((p) => p.length / rows);
    const total = widths.reduce((a, b) => a + b, 0);
    const data = new Float32Array(rows * total);
    for (let r = 0; r < rows; r++) {
      let o = r * total;
      parts.forEach((p, k) => {
        data.set(p.subarray(r * widths[k], (r + 1) * widths[k]), o);
        o += widths[k];
      });
    }
    const name = fresh('joined');
    inits.push({ name, dims: rows === 1 ? [total] : [rows, total], data });
    return name;
  };
  const dense = (x: string, w: string, b: string, leaky: boolean) => {
    const a = op('Add', [op('MatMul', [x, param(w)]), param(b)]);
    return leaky ? op('LeakyRelu', [a], { alpha: { float: c.leakySlope } }) : a;
  };
  // softplus(a) = relu(a) - log(sigmoid(|a|)), as dense.ts computes it: onnxruntime's Sigmoid and Log are
  // vectorised, its Softplus is not
  const softplus = (a: string) => op('Sub', [op('Relu', [a]), op('Log', [op('Sigmoid', [op('Abs', [a])])])]);
  const sumAxis = (x: string, axis: number) => op('ReduceSum', [x, ints([axis])], { keepdims: 0 });
  /** Mean and std = softplus(.) + eps of a Gaussian net (vae.ts gaussianNet). */
  const gaussianNet = (net: 'enc' | 'dec', input: string) => {
    let h = input;
    c.hidden.forEach((_, i) => (h = dense(h, `${net}.h${i}.w`, `${net}.h${i}.b`, true)));
    const mean = dense(h, `${net}.mean.w`, `${net}.mean.b`, false);
    const std = op('Add', [softplus(dense(h, `${net}.std.w`, `${net}.std.b`, false)), scalar(c.stdEpsilon)]);
    return { mean, std };
  };

  // variational net and the reparameterised samples; log q0(z0|x) = -(sum e^2 / 2 + sum log std) - Z log sqrt(2 pi)
  const enc = gaussianNet('enc', 'x');
  const e3 = op('Reshape', ['eps', ints([L, -1, Z])]);
  let z = op('Reshape', [op('Add', [enc.mean, op('Mul', [enc.std, e3])]), ints([-1, Z])]);
  const logStd = sumAxis(op('Log', [enc.std]), 1);
  const logQ0 = op('Sub', [op('Neg', [op('Add', [op('Mul', [sumAxis(op('Mul', [e3, e3]), 2), scalar(0.5)]), logStd])]), scalar(Z * HALF_LOG_2PI)]);

  // the posterior flow
  const perRow: string[] = [];
  let shared = 0;
  for (const layer of model.flow) {
    if (layer instanceof ActNorm) {
      const logScale = model.layout.view(flat, `${layer.prefix}.logScale`);
      z = op('Mul', [op('Add', [z, param(`${layer.prefix}.bias`)]), constant(Array.from(logScale, Math.exp))]);
      shared += logScale.reduce((a, b) => a + b, 0);
    } else if (layer instanceof AffineCoupling) {
      const p = layer.prefix;
      const z1 = op('Slice', [z, ints([0]), ints([layer.n1]), ints([1])]);
      const z2 = op('Slice', [z, ints([layer.n1]), ints([layer.width]), ints([1])]);
      const h = dense(z1, `${p}.h.w`, `${p}.h.b`, true);
      // shift and scale from one product (h is read once): [hidden, 2 n2], then split
      const both = op('Add', [op('MatMul', [h, joined([`${p}.shift.w`, `${p}.scale.w`], layer.hidden)]), joined([`${p}.shift.b`, `${p}.scale.b`], 1)]);
      const shift = op('Slice', [both, ints([0]), ints([layer.n2]), ints([1])]);
      const pre = op('Add', [op('Slice', [both, ints([layer.n2]), ints([2 * layer.n2]), ints([1])]), scalar(AffineCoupling.SCALE_BIAS)]);
      const y2 = op('Mul', [op('Add', [z2, shift]), op('Sigmoid', [pre])]);
      perRow.push(op('Neg', [sumAxis(op('Softplus', [op('Neg', [pre])]), 1)]));
      z = op('Concat', [z1, y2], { axis: 1 });
    } else if (layer instanceof InvertibleDense) {
      z = op('MatMul', [z, constant(invertibleDenseMatrix(model, flat, layer), [layer.width, layer.width])]);
      shared += model.layout.view(flat, `${layer.prefix}.logS`).reduce((a, b) => a + b, 0);
    } else throw new Error(scoreGraphProblem(model)!);
  }
  let logQ = op('Reshape', [logQ0, ints([-1])]);
  if (perRow.length > 0) logQ = op('Sub', [logQ, perRow.length === 1 ? perRow[0] : op('Sum', perRow)]);
  if (shared !== 0) logQ = op('Sub', [logQ, scalar(shared)]);

  // generative net: log p(x|z) summed over D, log p(z), the log weights [L, n]
  const dec = gaussianNet('dec', z);
  const m3 = op('Reshape', [dec.mean, ints([L, -1, D])]);
  const s3 = op('Reshape', [dec.std, ints([L, -1, D])]);
  const t = op('Div', [op('Sub', ['x', m3]), s3]);
  const logPxz = op('Sub', [op('Neg', [op('Add', [op('Mul', [sumAxis(op('Mul', [t, t]), 2), scalar(0.5)]), sumAxis(op('Log', [s3]), 2)])]), scalar(D * HALF_LOG_2PI)]);
  const logPz = op('Reshape', [op('Sub', [op('Mul', [sumAxis(op('Mul', [z, z]), 1), scalar(-0.5)]), scalar(Z * HALF_LOG_2PI)]), ints([L, -1])]);
  const w = op('Sub', [op('Add', [logPxz, logPz]), op('Reshape', [logQ, ints([L, -1])])]);
  nodes.push({ op: 'ReduceLogSumExp', inputs: [w], outputs: ['lse'], attrs: { axes: [0], keepdims: 0 } });
  nodes.push({ op: 'Sub', inputs: ['lse', scalar(Math.log(L))], outputs: ['logPx'] });
  nodes.push({ op: 'ReduceMean', inputs: [w], outputs: ['elbo'], attrs: { axes: [0], keepdims: 0 } });

  const spec: GraphSpec = {
    name: 'flow-vae-score',
    inputs: [
      { name: 'x', dims: ['n', D] },
      { name: 'eps', dims: ['Ln', Z] },
    ],
    outputs: [
      { name: 'logPx', dims: ['n'] },
      { name: 'elbo', dims: ['n'] },
    ],
    initializers: inits,
    nodes,
  };
  return encodeModel(spec);
}

/** W = P (L * lowerMask + I) (U * upperMask + diag(sign exp(logS))) of an invertible dense layer, row-major. */
function invertibleDenseMatrix(model: FlowVae, flat: Float32Array, layer: InvertibleDense): number[] {
  const d = layer.width;
  const v = (k: string) => model.layout.view(flat, `${layer.prefix}.${k}`);
  const perm = v('perm');
  const lower = v('lower');
  const upper = v('upper');
  const sign = v('sign');
  const logS = v('logS');
  const l = (i: number, j: number) => (j < i ? lower[i * d + j] : j === i ? 1 : 0);
  const u = (i: number, j: number) => (j > i ? upper[i * d + j] : j === i ? sign[i] * Math.exp(logS[i]) : 0);
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) a[i * d + j] += perm[i * d + k] * l(k, j);
  const w: number[] = new Array(d * d).fill(0);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) w[i * d + j] += a[i * d + k] * u(k, j);
  return w;
}
