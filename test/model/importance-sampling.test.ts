import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Matrix, determinant, inverse } from 'ml-matrix';
import { useBackend } from '../../src/lib/backend/backend.ts';
import { DEFAULT_VAE, type VaeConfig } from '../../src/lib/model/config.ts';
import { scoreRows } from '../../src/lib/model/score.ts';
import { FlowVae } from '../../src/lib/model/vae.ts';
import { Random } from '../../src/lib/util/random.ts';

await useBackend('cpu');

/**
 * A flow-VAE whose generative net is linear-Gaussian: with leaky slope 1 the hidden layers are linear, so
 * x = z W + c + noise(s) with z ~ N(0, I), and p(x) = N(c, W'W + diag(s^2)) and p(z|x) are known exactly.
 * The variational net is set to a diagonal Gaussian near (and wider than) the true posterior.
 */
const D = 4;
const Z = 2;
const softplusInverse = (y: number) => Math.log(Math.expm1(y));

function linearGaussianVae(flow: VaeConfig['flow'], flowLength: number) {
  const config: VaeConfig = { ...DEFAULT_VAE, inputDim: D, zDim: Z, hidden: [D], leakySlope: 1, flow, flowLength, couplingHidden: 3 };
  const model = new FlowVae(config);
  const rng = new Random(3);
  const flat = model.initialParams(rng);
  const set = (name: string, values: number[]) => model.layout.view(flat, name).set(values);
  const rand = (n: number, scale = 1) => Array.from({ length: n }, () => scale * rng.normal());
  // generative net: h = z A + a, mean = h B + b0, std = s
  const aVals = rand(Z * D, 0.45);
  const bVals = rand(D * D, 0.45);
  set('dec.h0.w', aVals);
  set('dec.h0.b', rand(D, 0.5));
  set('dec.mean.w', bVals);
  set('dec.mean.b', rand(D, 0.5));
  const s = [0.5, 0.8, 0.6, 1.1];
  set('dec.std.w', new Array(D * D).fill(0));
  set('dec.std.b', s.map((v) => softplusInverse(v - config.stdEpsilon)));
  // the perturbed flow layers (planar u and w, coupling output) so that the flow is not the identity
  for (const spec of model.layout.specs) {
    if (spec.name.startsWith('flow.') && spec.trainable && /(\.out\.w|\.w|\.u)$/.test(spec.name)) {
      const v = model.layout.view(flat, spec.name);
      for (let i = 0; i < v.length; i++) v[i] = 0.3 * rng.normal();
    }
  }
  const p = model.layout.toTensors(flat);
  const matA = new Matrix(Array.from({ length: Z }, (_, i) => aVals.slice(i * D, (i + 1) * D)));
  const matB = new Matrix(Array.from({ length: D }, (_, i) => bVals.slice(i * D, (i + 1) * D)));
  const W = matA.mmul(matB); // Z x D
  const c = Matrix.rowVector(Array.from(model.layout.view(flat, 'dec.h0.b'))).mmul(matB).add(Matrix.rowVector(Array.from(model.layout.view(flat, 'dec.mean.b'))));
  return { model, flat, p, W, c, s, config };
}

/** Exact marginal log-density and posterior N(m, S) of the linear-Gaussian model. */
function exact(W: Matrix, c: Matrix, s: number[], x: number[]) {
  const cov = W.transpose().mmul(W).add(Matrix.diag(s.map((v) => v * v)));
  const r = Matrix.rowVector(x).sub(c);
  const quad = r.mmul(inverse(cov)).mmul(r.transpose()).get(0, 0);
  const logPx = -0.5 * (quad + Math.log(determinant(cov)) + D * Math.log(2 * Math.PI));
  const Sinv = Matrix.eye(Z).add(W.mmul(Matrix.diag(s.map((v) => 1 / (v * v)))).mmul(W.transpose()));
  const S = inverse(Sinv);
  const m = r.mmul(Matrix.diag(s.map((v) => 1 / (v * v)))).mmul(W.transpose()).mmul(S); // row vector
  return { logPx, m, S };
}

/** Sets the variational net (linear, width D) so that q0(z0|x) = N(mean0, diag(std0^2)) for this one x. */
function setPosterior(model: FlowVae, flat: Float32Array, mean0: number[], std0: number[]) {
  const set = (name: string, values: number[]) => model.layout.view(flat, name).set(values);
  set('enc.h0.w', new Array(D * D).fill(0));
  set('enc.h0.b', new Array(D).fill(0));
  set('enc.mean.w', new Array(D * Z).fill(0));
  set('enc.mean.b', mean0);
  set('enc.std.w', new Array(D * Z).fill(0));
  set('enc.std.b', std0.map((v) => softplusInverse(v - 1e-4)));
  return model.layout.toTensors(flat);
}

function sampleX(W: Matrix, c: Matrix, s: number[], rng: Random): number[] {
  const z = Matrix.rowVector([rng.normal(), rng.normal()]);
  return z.mmul(W).add(c).to1DArray().map((v, j) => v + s[j] * rng.normal());
}

function klGaussians(muQ: number[], varQ: number[], m: Matrix, S: Matrix): number {
  const Sinv = inverse(S);
  const d = Matrix.rowVector(muQ).sub(m);
  let tr = 0;
  for (let i = 0; i < Z; i++) tr += Sinv.get(i, i) * varQ[i];
  const quad = d.mmul(Sinv).mmul(d.transpose()).get(0, 0);
  return 0.5 * (tr + quad - Z + Math.log(determinant(S)) - varQ.reduce((a, v) => a + Math.log(v), 0));
}

describe('importance-sampled log p(x) on a linear-Gaussian decoder', () => {
  const rng = new Random(8);

  it('matches the exact log-likelihood within 0.05 nats at L_z = 1000 (vanilla VAE, K = 0), and the ELBO is below it by KL(q || p(z|x))', () => {
    const { model, flat, W, c, s } = linearGaussianVae('rnvp', 0);
    let elboSum = 0;
    let isSum = 0;
    let elboError = 0;
    for (let t = 0; t < 5; t++) {
      const x = sampleX(W, c, s, rng);
      const { logPx, m, S } = exact(W, c, s, x);
      // q: off-centre by 0.2 and 1.4x wider than the posterior's marginals
      const mean0 = m.to1DArray().map((v) => v + 0.2);
      const std0 = [0, 1].map((i) => 1.4 * Math.sqrt(S.get(i, i)));
      const p = setPosterior(model, flat, mean0, std0);
      const r = scoreRows(model, p, new Float32Array(x), 1, { samples: 1000, seed: t });
      expect(Math.abs(r.logPx[0] - logPx)).toBeLessThan(0.05);
      const elboExact = logPx - klGaussians(mean0, std0.map((v) => v * v), m, S);
      // a Monte Carlo mean of log-weights: within a few standard errors of the closed form
      expect(Math.abs(r.elbo[0] - elboExact)).toBeLessThan(0.25);
      elboError += r.elbo[0] - elboExact;
      expect(logPx - elboExact).toBeGreaterThan(0.1); // q is not the posterior: the bound is loose
      elboSum += r.elbo[0];
      isSum += r.logPx[0];
      tf.dispose(Object.values(p));
    }
    expect(Math.abs(elboError / 5)).toBeLessThan(0.1);
    expect(elboSum / 5).toBeLessThan(isSum / 5);
  });

  it.each([['rnvp', 2], ['planar', 3]] as const)('matches the exact log-likelihood within 0.05 nats through a %s posterior flow (K = %i)', (flow, K) => {
    const { model, flat, W, c, s } = linearGaussianVae(flow, K);
    for (let t = 0; t < 3; t++) {
      const x = sampleX(W, c, s, rng);
      const { logPx, m, S } = exact(W, c, s, x);
      // centre q0 on the flow's pre-image of the posterior mean: log q must carry the flow's log-determinants
      const p0 = model.layout.toTensors(flat);
      const mean0 = tf.tidy(() => {
        let y = tf.tensor2d([m.to1DArray()]);
        for (const layer of [...model.flow].reverse()) y = layer.inverse(p0, y).z;
        return y.arraySync()[0] as number[];
      });
      tf.dispose(Object.values(p0));
      const spread = Math.sqrt(Math.max(S.get(0, 0), S.get(1, 1)));
      const p = setPosterior(model, flat, mean0, [2 * spread, 2 * spread]);
      const r = scoreRows(model, p, new Float32Array(x), 1, { samples: 1000, seed: 100 + t });
      expect(Math.abs(r.logPx[0] - logPx)).toBeLessThan(0.05);
      expect(r.elbo[0]).toBeLessThan(r.logPx[0]);
      tf.dispose(Object.values(p));
    }
  });

  it('does not depend on how rows are chunked', () => {
    const { model, flat, W, c, s } = linearGaussianVae('rnvp', 1);
    const p = model.layout.toTensors(flat);
    const xs = new Float32Array(Array.from({ length: 5 }, () => sampleX(W, c, s, rng)).flat());
    const whole = scoreRows(model, p, xs, 5, { samples: 20, seed: 4, chunkRows: 1000 });
    const oneByOne = scoreRows(model, p, xs, 5, { samples: 20, seed: 4, chunkRows: 20 });
    const tail = scoreRows(model, p, xs.subarray(2 * D), 3, { samples: 20, seed: 4, firstRow: 2 });
    for (let i = 0; i < 5; i++) expect(oneByOne.logPx[i]).toBeCloseTo(whole.logPx[i], 4);
    for (let i = 0; i < 3; i++) expect(tail.logPx[i]).toBeCloseTo(whole.logPx[i + 2], 4);
    tf.dispose(Object.values(p));
  });
});
