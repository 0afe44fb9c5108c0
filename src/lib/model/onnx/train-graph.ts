import { ActNorm } from '../flows/actnorm.ts';
import { AffineCoupling } from '../flows/coupling.ts';
import { InvertibleDense } from '../flows/invertible-dense.ts';
import { HALF_LOG_2PI } from '../gaussian.ts';
import type { FlowVae } from '../vae.ts';
import { GraphBuilder } from './graph-builder.ts';
import { gaussianNetNodes, graphProblem } from './score-graph.ts';

/**
 * One SGVB training step of the flow-VAE as one ONNX graph: the forward pass of FlowVae.dataLoss (one latent
 * sample per row) and its backward pass written out by hand, for a batch of `batch` rows.
 *
 * Inputs: `x` [B, D], `eps` [B, Z], every trainable parameter of the Gaussian nets and the coupling layers under
 * its own name, each ActNorm layer's bias and `PREFIX.scale` = exp(logScale), each invertible dense layer's
 * `PREFIX.W` = P L U (computed by the caller, as tfjs does inside its layer). Outputs: `loss`, the mean of
 * -(ELBO) less the constant log-determinants (sum of logScale and logS, which the caller adds), and `grad.NAME`
 * for each parameter input, `grad.PREFIX.logScale` (complete) and `grad.PREFIX.W` (the caller maps it to the
 * layer's lower, upper and logS). Gradients are of the data term only: the L2 penalty is FlatAdam's.
 */
export function trainGraph(model: FlowVae, batch: number): Uint8Array {
  const problem = graphProblem(model);
  if (problem) throw new Error(problem);
  const c = model.config;
  const D = c.inputDim;
  const Z = c.zDim;
  const B = batch;
  const g = new GraphBuilder('flow-vae-train-step');
  const a = c.leakySlope;
  const gRow = g.scalar(-1 / B); // dLoss / dELBO of each row
  const one = g.scalar(1);
  const slopeOf = (pre: string) => g.op('Where', [g.op('Greater', [pre, g.scalar(0)]), one, g.scalar(a)]);
  const param = (name: string) => g.input(name, model.layout.spec(name).shape);
  const grad = (name: string, value: string, dims: number[]) => g.output(`grad.${name}`, value, dims);
  /** d(rows-mean)/dW of x W + b: W's gradient x^T dy, b's the column sums. */
  const affineGrads = (w: string, b: string, input: string, dOut: string) => {
    grad(w, g.op('Gemm', [input, dOut], { transA: 1 }), model.layout.spec(w).shape);
    grad(b, g.sumAxis(dOut, 0), model.layout.spec(b).shape);
  };

  const x = g.input('x', [B, D]);
  const eps = g.input('eps', [B, Z]);

  const gaussianForward = (net: 'enc' | 'dec', input: string) => gaussianNetNodes(g, c, net, input, param);
  /** Its backward pass from dLoss/dmean and dLoss/dstd; returns dLoss/dinput (or null when not wanted). */
  const gaussianBackward = (f: ReturnType<typeof gaussianForward>, dMean: string, dStd: string, wantInput: boolean): string | null => {
    const dStdPre = g.op('Mul', [dStd, g.op('Sigmoid', [f.stdPre])]); // softplus' = sigmoid
    affineGrads(f.heads.mw, f.heads.mb, f.last, dMean);
    affineGrads(f.heads.sw, f.heads.sb, f.last, dStdPre);
    let dh = g.op('Add', [g.op('Gemm', [dMean, f.heads.mw], { transB: 1 }), g.op('Gemm', [dStdPre, f.heads.sw], { transB: 1 })]);
    for (let i = f.layers.length - 1; i >= 0; i--) {
      const l = f.layers[i];
      const dPre = g.op('Mul', [dh, slopeOf(l.pre)]);
      affineGrads(l.w, l.b, l.input, dPre);
      if (i > 0 || wantInput) dh = g.op('Gemm', [dPre, l.w], { transB: 1 });
    }
    return wantInput ? dh : null;
  };

  // forward: variational net, z0 = mean + std eps, the flow, the generative net
  const enc = gaussianForward('enc', x);
  const z0 = g.op('Add', [enc.mean, g.op('Mul', [enc.std, eps])]);
  type Saved =
    | { kind: 'actnorm'; layer: ActNorm; scale: string; y: string }
    | { kind: 'coupling'; layer: AffineCoupling; z1: string; h: string; hPre: string; s: string; y2: string; w: Record<string, string> }
    | { kind: 'dense'; layer: InvertibleDense; input: string; w: string };
  const saved: Saved[] = [];
  const perRowLogDet: string[] = [];
  let z = z0;
  for (const layer of model.flow) {
    if (layer instanceof ActNorm) {
      const scale = g.input(`${layer.prefix}.scale`, [layer.width]);
      z = g.op('Mul', [g.op('Add', [z, param(`${layer.prefix}.bias`)]), scale]);
      saved.push({ kind: 'actnorm', layer, scale, y: z });
    } else if (layer instanceof AffineCoupling) {
      const w = Object.fromEntries(['h.w', 'h.b', 'shift.w', 'shift.b', 'scale.w', 'scale.b'].map((k) => [k, param(`${layer.prefix}.${k}`)]));
      const z1 = g.columns(z, 0, layer.n1);
      const z2 = g.columns(z, layer.n1, layer.n2);
      const hPre = g.affine(z1, w['h.w'], w['h.b']);
      const h = g.leakyRelu(hPre, a);
      const shift = g.affine(h, w['shift.w'], w['shift.b']);
      const pre = g.op('Add', [g.affine(h, w['scale.w'], w['scale.b']), g.scalar(AffineCoupling.SCALE_BIAS)]);
      const s = g.op('Sigmoid', [pre]);
      const y2 = g.op('Mul', [g.op('Add', [z2, shift]), s]);
      perRowLogDet.push(g.op('Neg', [g.sumAxis(g.op('Softplus', [g.op('Neg', [pre])]), 1)]));
      saved.push({ kind: 'coupling', layer, z1, h, hPre, s, y2, w });
      z = g.op('Concat', [z1, y2], { axis: 1 });
    } else if (layer instanceof InvertibleDense) {
      const w = g.input(`${layer.prefix}.W`, [layer.width, layer.width]);
      saved.push({ kind: 'dense', layer, input: z, w });
      z = g.op('MatMul', [z, w]);
    }
  }
  const dec = gaussianForward('dec', z);

  // the loss: -mean over rows of log p(x|z) + log p(z) - log q0(z0|x) + the per-row log-determinants
  const t = g.op('Div', [g.op('Sub', [x, dec.mean]), dec.std]);
  const logPxz = g.op('Sub', [g.op('Neg', [g.op('Add', [g.op('Mul', [g.sumAxis(g.op('Mul', [t, t]), 1), g.scalar(0.5)]), g.sumAxis(g.op('Log', [dec.std]), 1)])]), g.scalar(D * HALF_LOG_2PI)]);
  const logPz = g.op('Sub', [g.op('Mul', [g.sumAxis(g.op('Mul', [z, z]), 1), g.scalar(-0.5)]), g.scalar(Z * HALF_LOG_2PI)]);
  const negLogQ0 = g.op('Add', [g.op('Add', [g.op('Mul', [g.sumAxis(g.op('Mul', [eps, eps]), 1), g.scalar(0.5)]), g.sumAxis(g.op('Log', [enc.std]), 1)]), g.scalar(Z * HALF_LOG_2PI)]);
  let elbo = g.op('Add', [g.op('Add', [logPxz, logPz]), negLogQ0]);
  for (const l of perRowLogDet) elbo = g.op('Add', [elbo, l]);
  g.output('loss', g.op('Neg', [g.op('ReduceMean', [elbo], { axes: [0], keepdims: 0 })]), []);

  // backward. Generative net: d/dmean = g t / s, d/dstd = g (t^2 - 1) / s
  const tOverS = g.op('Div', [t, dec.std]);
  const dDecMean = g.op('Mul', [tOverS, gRow]);
  const dDecStd = g.op('Mul', [g.op('Div', [g.op('Sub', [g.op('Mul', [t, t]), one]), dec.std]), gRow]);
  // log p(z): d/dz = -g z
  let dz = g.op('Sub', [gaussianBackward(dec, dDecMean, dDecStd, true)!, g.op('Mul', [z, gRow])]);
  for (let k = saved.length - 1; k >= 0; k--) {
    const f = saved[k];
    if (f.kind === 'dense') {
      g.output(`grad.${f.layer.prefix}.W`, g.op('Gemm', [f.input, dz], { transA: 1 }), [f.layer.width, f.layer.width]);
      dz = g.op('Gemm', [dz, f.w], { transB: 1 });
    } else if (f.kind === 'actnorm') {
      // y = (z + bias) scale: dz = dy scale, dbias = column sums of dz, dlogScale = column sums of dy y, less 1 (log det)
      const p = f.layer.prefix;
      g.output(`grad.${p}.logScale`, g.op('Sub', [g.sumAxis(g.op('Mul', [dz, f.y]), 0), one]), [f.layer.width]);
      dz = g.op('Mul', [dz, f.scale]);
      grad(`${p}.bias`, g.sumAxis(dz, 0), [f.layer.width]);
    } else {
      // the coupling layer's gradient as coupling.ts writes it, with dLoss/dlogDet = g per row
      const { layer: l, w } = f;
      const dy1 = g.columns(dz, 0, l.n1);
      const dy2 = g.columns(dz, l.n1, l.n2);
      const dPre = g.op('Mul', [g.op('Sub', [one, f.s]), g.op('Add', [g.op('Mul', [dy2, f.y2]), gRow])]);
      const dShift = g.op('Mul', [dy2, f.s]);
      const dh = g.op('Add', [g.op('Gemm', [dShift, w['shift.w']], { transB: 1 }), g.op('Gemm', [dPre, w['scale.w']], { transB: 1 })]);
      const dhPre = g.op('Mul', [dh, slopeOf(f.hPre)]);
      affineGrads(`${l.prefix}.h.w`, `${l.prefix}.h.b`, f.z1, dhPre);
      affineGrads(`${l.prefix}.shift.w`, `${l.prefix}.shift.b`, f.h, dShift);
      affineGrads(`${l.prefix}.scale.w`, `${l.prefix}.scale.b`, f.h, dPre);
      const dz1 = g.op('Add', [g.op('Gemm', [dhPre, w['h.w']], { transB: 1 }), dy1]);
      dz = g.op('Concat', [dz1, dShift], { axis: 1 });
    }
  }
  // variational net: z0 = mean + std eps, and -log q0 has + sum log std: d/dstd = dz0 eps + g / std
  const dEncStd = g.op('Add', [g.op('Mul', [dz, eps]), g.op('Div', [gRow, enc.std])]);
  gaussianBackward(enc, dz, dEncStd, false);
  return g.encode();
}

/**
 * The gradients of an invertible dense layer's lower, upper and logS from the gradient of its W = P L' U'
 * (L' = L * lowerMask + I, U' = U * upperMask + diag(sign exp(logS))), as invertible-dense.ts's gradient, with the
 * log-determinant's -1 for each logS (the loss is -mean ELBO, and the ELBO has + sum logS). Float64 on 10 x 10.
 */
export function invertibleDenseGrads(model: FlowVae, flat: Float32Array, layer: InvertibleDense, dW: Float32Array): { lower: Float32Array; upper: Float32Array; logS: Float32Array } {
  const d = layer.width;
  const v = (k: string) => model.layout.view(flat, `${layer.prefix}.${k}`);
  const [perm, lower, upper, sign, logS] = [v('perm'), v('lower'), v('upper'), v('sign'), v('logS')];
  const lp = (i: number, j: number) => (j < i ? lower[i * d + j] : j === i ? 1 : 0);
  const up = (i: number, j: number) => (j > i ? upper[i * d + j] : j === i ? sign[i] * Math.exp(logS[i]) : 0);
  const A = new Float64Array(d * d); // P L'
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) A[i * d + j] += perm[i * d + k] * lp(k, j);
  const dU = new Float64Array(d * d); // A^T dW
  const dA = new Float64Array(d * d); // dW U'^T
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      for (let k = 0; k < d; k++) {
        dU[i * d + j] += A[k * d + i] * dW[k * d + j];
        dA[i * d + j] += dW[i * d + k] * up(j, k);
      }
    }
  }
  const out = { lower: new Float32Array(d * d), upper: new Float32Array(d * d), logS: new Float32Array(d) };
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      if (j < i) {
        let s = 0; // (P^T dA)_ij
        for (let k = 0; k < d; k++) s += perm[k * d + i] * dA[k * d + j];
        out.lower[i * d + j] = s;
      } else if (j > i) out.upper[i * d + j] = dU[i * d + j];
    }
    out.logS[i] = dU[i * d + i] * sign[i] * Math.exp(logS[i]) - 1;
  }
  return out;
}
