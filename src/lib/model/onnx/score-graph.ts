import { ActNorm } from '../flows/actnorm.ts';
import { AffineCoupling } from '../flows/coupling.ts';
import { InvertibleDense } from '../flows/invertible-dense.ts';
import { HALF_LOG_2PI } from '../gaussian.ts';
import type { VaeConfig } from '../config.ts';
import type { FlowVae } from '../vae.ts';
import { GraphBuilder } from './graph-builder.ts';

/** Why a model has no ONNX graphs (null when it has): RealNVP flows and K = 0 have. */
export function graphProblem(model: FlowVae): string | null {
  const bad = model.flow.find((l) => !(l instanceof ActNorm || l instanceof AffineCoupling || l instanceof InvertibleDense));
  return bad ? `the ${bad.kind} flow has no ONNX graph (RealNVP and K = 0 have)` : null;
}

/** Columns of parameters with the same number of rows, side by side (row-major [rows, sum of widths]). */
export function sideBySide(parts: Float32Array[], rows: number): Float32Array {
  const widths = parts.map((p) => p.length / rows);
  const total = widths.reduce((a, b) => a + b, 0);
  const out = new Float32Array(rows * total);
  for (let r = 0; r < rows; r++) {
    let o = r * total;
    parts.forEach((p, k) => {
      out.set(p.subarray(r * widths[k], (r + 1) * widths[k]), o);
      o += widths[k];
    });
  }
  return out;
}

/** W = P (L * lowerMask + I) (U * upperMask + diag(sign exp(logS))) of an invertible dense layer, row-major, in float64. */
export function invertibleDenseMatrix(model: FlowVae, flat: Float32Array, layer: InvertibleDense): Float64Array {
  const d = layer.width;
  const v = (k: string) => model.layout.view(flat, `${layer.prefix}.${k}`);
  const [perm, lower, upper, sign, logS] = [v('perm'), v('lower'), v('upper'), v('sign'), v('logS')];
  const l = (i: number, j: number) => (j < i ? lower[i * d + j] : j === i ? 1 : 0);
  const u = (i: number, j: number) => (j > i ? upper[i * d + j] : j === i ? sign[i] * Math.exp(logS[i]) : 0);
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) a[i * d + j] += perm[i * d + k] * l(k, j);
  const w = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) w[i * d + j] += a[i * d + k] * u(k, j);
  return w;
}

/**
 * A Gaussian net of the flow-VAE (vae.ts gaussianNet): dense layers with leaky ReLU, a linear mean and a
 * std = softplus(linear) + eps; `param` names each parameter's value in the graph (a constant when scoring, an
 * input when training). Returns what the training graph's backward pass needs as well: each hidden layer's weights,
 * input and pre-activation, the heads' weights, the last hidden output and the std head's pre-activation.
 */
export function gaussianNetNodes(g: GraphBuilder, c: VaeConfig, net: 'enc' | 'dec', input: string, param: (name: string) => string) {
  const layers: { w: string; b: string; input: string; pre: string }[] = [];
  let h = input;
  c.hidden.forEach((_, i) => {
    const w = param(`${net}.h${i}.w`);
    const b = param(`${net}.h${i}.b`);
    const pre = g.affine(h, w, b);
    layers.push({ w, b, input: h, pre });
    h = g.leakyRelu(pre, c.leakySlope);
  });
  const heads = { mw: param(`${net}.mean.w`), mb: param(`${net}.mean.b`), sw: param(`${net}.std.w`), sb: param(`${net}.std.b`) };
  const mean = g.affine(h, heads.mw, heads.mb);
  const stdPre = g.affine(h, heads.sw, heads.sb);
  const std = g.op('Add', [g.softplus(stdPre), g.scalar(c.stdEpsilon)]);
  return { layers, heads, last: h, mean, stdPre, std };
}

/**
 * The whole importance-sampled scoring pass of the flow-VAE (Eq. 3) as one ONNX graph, the same arithmetic as
 * FlowVae.logWeights and scoreRows: inputs `x` [n, D] and `eps` [L * n, Z] (sample l of row i at row l * n + i),
 * outputs `logPx` [n] (log-sum-exp of the L log weights less log L) and `elbo` [n] (their mean). The parameters
 * are constants of the graph; the few that tfjs combines per call (the invertible dense layers' W = P L U, the
 * ActNorm scales exp(logScale), the summed constant log-determinants) are combined here once, in double
 * precision, and rounded to float32. Each coupling layer's shift and scale heads are one product.
 */
export function scoreGraph(model: FlowVae, flat: Float32Array, samples: number): Uint8Array {
  const c = model.config;
  const D = c.inputDim;
  const Z = c.zDim;
  const L = samples;
  const g = new GraphBuilder('flow-vae-score');
  const param = (name: string) => g.constant(model.layout.view(flat, name), model.layout.spec(name).shape, name);
  const gaussianNet = (net: 'enc' | 'dec', input: string) => gaussianNetNodes(g, c, net, input, param);
  const x = g.input('x', ['n', D]);
  const eps = g.input('eps', ['Ln', Z]);

  // variational net and the reparameterised samples; log q0(z0|x) = -(sum e^2 / 2 + sum log std) - Z log sqrt(2 pi)
  const enc = gaussianNet('enc', x);
  const e3 = g.op('Reshape', [eps, g.ints([L, -1, Z])]);
  let z = g.op('Reshape', [g.op('Add', [enc.mean, g.op('Mul', [enc.std, e3])]), g.ints([-1, Z])]);
  const logStd = g.sumAxis(g.op('Log', [enc.std]), 1);
  const logQ0 = g.op('Sub', [g.op('Neg', [g.op('Add', [g.op('Mul', [g.sumAxis(g.op('Mul', [e3, e3]), 2), g.scalar(0.5)]), logStd])]), g.scalar(Z * HALF_LOG_2PI)]);

  // the posterior flow
  const perRow: string[] = [];
  let shared = 0;
  for (const layer of model.flow) {
    if (layer instanceof ActNorm) {
      const logScale = model.layout.view(flat, `${layer.prefix}.logScale`);
      z = g.op('Mul', [g.op('Add', [z, param(`${layer.prefix}.bias`)]), g.constant(Array.from(logScale, Math.exp))]);
      shared += logScale.reduce((a, b) => a + b, 0);
    } else if (layer instanceof AffineCoupling) {
      const p = (k: string) => model.layout.view(flat, `${layer.prefix}.${k}`);
      const z1 = g.columns(z, 0, layer.n1);
      const z2 = g.columns(z, layer.n1, layer.n2);
      const h = g.leakyRelu(g.affine(z1, param(`${layer.prefix}.h.w`), param(`${layer.prefix}.h.b`)), c.leakySlope);
      const both = g.affine(h, g.constant(sideBySide([p('shift.w'), p('scale.w')], layer.hidden), [layer.hidden, 2 * layer.n2]), g.constant(sideBySide([p('shift.b'), p('scale.b')], 1)));
      const shift = g.columns(both, 0, layer.n2);
      const pre = g.op('Add', [g.columns(both, layer.n2, layer.n2), g.scalar(AffineCoupling.SCALE_BIAS)]);
      const y2 = g.op('Mul', [g.op('Add', [z2, shift]), g.op('Sigmoid', [pre])]);
      perRow.push(g.op('Neg', [g.sumAxis(g.op('Softplus', [g.op('Neg', [pre])]), 1)]));
      z = g.op('Concat', [z1, y2], { axis: 1 });
    } else if (layer instanceof InvertibleDense) {
      z = g.op('MatMul', [z, g.constant(invertibleDenseMatrix(model, flat, layer), [layer.width, layer.width])]);
      shared += model.layout.view(flat, `${layer.prefix}.logS`).reduce((a, b) => a + b, 0);
    } else throw new Error(graphProblem(model)!);
  }
  let logQ = g.op('Reshape', [logQ0, g.ints([-1])]);
  if (perRow.length > 0) logQ = g.op('Sub', [logQ, perRow.length === 1 ? perRow[0] : g.op('Sum', perRow)]);
  if (shared !== 0) logQ = g.op('Sub', [logQ, g.scalar(shared)]);

  // generative net: log p(x|z) summed over D, log p(z), the log weights [L, n]
  const dec = gaussianNet('dec', z);
  const m3 = g.op('Reshape', [dec.mean, g.ints([L, -1, D])]);
  const s3 = g.op('Reshape', [dec.std, g.ints([L, -1, D])]);
  const t = g.op('Div', [g.op('Sub', [x, m3]), s3]);
  const logPxz = g.op('Sub', [g.op('Neg', [g.op('Add', [g.op('Mul', [g.sumAxis(g.op('Mul', [t, t]), 2), g.scalar(0.5)]), g.sumAxis(g.op('Log', [s3]), 2)])]), g.scalar(D * HALF_LOG_2PI)]);
  const logPz = g.op('Reshape', [g.op('Sub', [g.op('Mul', [g.sumAxis(g.op('Mul', [z, z]), 1), g.scalar(-0.5)]), g.scalar(Z * HALF_LOG_2PI)]), g.ints([L, -1])]);
  const w = g.op('Sub', [g.op('Add', [logPxz, logPz]), g.op('Reshape', [logQ, g.ints([L, -1])])]);
  g.output('logPx', g.op('Sub', [g.op('ReduceLogSumExp', [w], { axes: [0], keepdims: 0 }), g.scalar(Math.log(L))]), ['n']);
  g.output('elbo', g.op('ReduceMean', [w], { axes: [0], keepdims: 0 }), ['n']);
  return g.encode();
}
