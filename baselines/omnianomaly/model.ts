import * as tf from '@tensorflow/tfjs';
import { dense, product, softplus } from '../../src/lib/model/dense.ts';
import { buildFlow } from '../../src/lib/model/flows/build.ts';
import type { FlowLayer } from '../../src/lib/model/flows/flow.ts';
import { HALF_LOG_2PI, gaussianLogDensity } from '../../src/lib/model/gaussian.ts';
import { declareGru, gruSequence, initGru } from '../../src/lib/model/gru.ts';
import { l2Penalty, LayoutBuilder, ParamLayout, type Tensors } from '../../src/lib/model/params.ts';
import type { SgvbModel } from '../../src/lib/model/sgvb-model.ts';
import type { Random } from '../../src/lib/util/random.ts';
import { priorLogDensity, type PriorKind } from './lgssm-prior.ts';

/** Activations of the dense layers after each GRU: none (the official code) or leaky ReLU. */
export const DENSE_ACTIVATIONS = ['linear', 'leaky'] as const;
export type DenseActivation = (typeof DENSE_ACTIVATIONS)[number];

/** The shape of OmniAnomaly's network; official defaults in brackets (spec 8.1), ours in OMNI_DEFAULTS. */
export interface OmniConfig {
  /** T: time steps (traces) per window [100]. */
  window: number;
  /** M: features per time step. */
  features: number;
  /** Z: latent dimensions per time step [3]. */
  latent: number;
  /** GRU width of the inference and the generative net [500]. */
  rnnHidden: number;
  /** Width of the two dense layers after each GRU [500]. */
  denseDim: number;
  /** Planar flow layers on each z_t [20]. */
  flowLength: number;
  /** Activation of those dense layers: none in the official code ('linear'), or leaky ReLU. */
  denseActivation: DenseActivation;
  /** The prior over z_1..T: the linear Gaussian state-space model ('lgssm') or N(0, I) per step. */
  prior: PriorKind;
  /** Added to every softplus std [1e-4]. */
  stdEpsilon: number;
  /** L2 weight on the dense kernels [1e-4]. */
  l2: number;
}

const ALPHA = 0.2;

/**
 * OmniAnomaly's stochastic recurrent VAE (Su et al., KDD 2019; spec 8.1) over windows of T time steps of M
 * features, one row of T x M values each:
 * - q-net: e_t = GRU(x_1..t), two dense layers; q(z_t | x_<=t, z_{t-1}) = N(mu, sigma^2) with
 *   [mu, pre-sigma] = Dense([e_t, z_{t-1}]), sigma = softplus(.) + eps, z_0 = 0, sampled step by step (standard
 *   normal noise, a documented deviation from the official truncated normal); each z_t then passes through K
 *   planar flows (src/lib/model/flows/planar.ts), log q = log q0 - sum log|det|;
 * - p-net: d_t = GRU(z_1..t), two dense layers; p(x_t | z_<=t) = N(mu_x, sigma_x^2), sigma_x = softplus(.) + eps;
 * - prior: the LGSSM of lgssm-prior.ts (or N(0, I));
 * - loss: -ELBO of the whole window (sum over steps and features) + L2 on the dense kernels.
 * The anomaly score of a window is log p(x_T | z) of its last step (lastLogPx). Every product goes through the
 * project's explicit-transpose gradients (dense.ts, gru.ts).
 *
 * For the trainer (SgvbModel), a row is inputDim = T x M values and draws zDim = T x Z normals per sample.
 */
export class OmniModel implements SgvbModel {
  readonly layout: ParamLayout;
  readonly flow: FlowLayer[];
  readonly config: { inputDim: number; zDim: number };

  constructor(readonly spec: OmniConfig) {
    const { window: T, features: M, latent: Z, rnnHidden: H, denseDim: D } = spec;
    this.config = { inputDim: T * M, zDim: T * Z };
    this.flow = buildFlow('planar', spec.flowLength, Z, 0, ALPHA);
    const b = new LayoutBuilder();
    declareGru(b, 'q.gru', M, H);
    declareDense(b, 'q', H, D);
    b.add('q.head.we', [D, 2 * Z], 'glorot');
    b.add('q.head.wz', [Z, 2 * Z], 'glorot');
    b.add('q.head.b', [2 * Z], 'zeros');
    for (const layer of this.flow) layer.declare(b);
    declareGru(b, 'p.gru', Z, H);
    declareDense(b, 'p', H, D);
    for (const head of ['mean', 'std']) {
      b.add(`p.${head}.w`, [D, M], 'glorot');
      b.add(`p.${head}.b`, [M], 'zeros');
    }
    this.layout = new ParamLayout(b.specs);
  }

  initialParams(rng: Random): Float32Array {
    const flat = this.layout.initialValues(rng);
    initGru(this.layout, flat, 'q.gru');
    initGru(this.layout, flat, 'p.gru');
    for (const layer of this.flow) layer.init?.(this.layout, flat, rng);
    return flat;
  }

  initFromData(): void {}

  private denseStack(p: Tensors, net: 'q' | 'p', h: tf.Tensor2D): tf.Tensor2D {
    const activation = this.spec.denseActivation;
    h = dense(h, p[`${net}.d0.w`], p[`${net}.d0.b`], { activation, alpha: ALPHA });
    return dense(h, p[`${net}.d1.w`], p[`${net}.d1.b`], { activation, alpha: ALPHA });
  }

  /**
   * The inference net over N windows, steps xs (T x [N, M]) with noise es (T x [N, Z]): the flowed z_t, as
   * [T * N, Z] time-major (z) and per step (zs, T x [N, Z]), and log q(z | x) [N]. eps is the same noise as one [N, T * Z] tensor (for the sum of squares).
   */
  private infer(p: Tensors, xs: tf.Tensor2D[], es: tf.Tensor2D[], eps: tf.Tensor2D): { z: tf.Tensor2D; zs: tf.Tensor2D[]; logQ: tf.Tensor1D } {
    const { window: T, latent: Z, stdEpsilon } = this.spec;
    const N = xs[0].shape[0];
    const e = gruSequence(p, 'q.gru', xs, { inputGrad: false });
    const z0: tf.Tensor2D[] = [];
    const stds: tf.Tensor2D[] = [];
    for (let t = 0; t < T; t++) {
      const head = dense(this.denseStack(p, 'q', e[t]), p['q.head.we'], p['q.head.b'], { activation: 'linear' });
      const pre = t === 0 ? head : tf.add(head, product(z0[t - 1], p['q.head.wz']));
      const [mu, raw] = tf.split(pre, 2, 1);
      // tf.softplus: one op (these tensors are tiny; op count, not arithmetic, is the cost here)
      const std = tf.add(tf.softplus(raw), stdEpsilon) as tf.Tensor2D;
      stds.push(std);
      z0.push(tf.add(mu, tf.mul(std, es[t])) as tf.Tensor2D);
    }
    // log q0 = sum_t log N(z0_t; mu_t, std_t), with z0 - mu = std * eps
    // (a sum of per-step sums: stacking the steps costs a slow unstack in the backward pass on wasm)
    const logStd = tf.addN(stds.map((s) => tf.sum(tf.log(s), 1)));
    const logQ0 = tf.sub(tf.neg(tf.add(tf.mul(tf.sum(tf.square(eps), 1), 0.5), logStd)), T * Z * HALF_LOG_2PI);
    // the flow acts on each z_t alike: all steps at once, time-major rows (step t = rows t N .. (t + 1) N - 1)
    let z = tf.concat(z0, 0) as tf.Tensor2D;
    let logDet: tf.Tensor = tf.zeros([T * N]);
    for (const layer of this.flow) {
      const r = layer.forward(p, z);
      z = r.y;
      logDet = tf.add(logDet, r.logDet);
    }
    const logQ = tf.sub(logQ0, tf.sum(logDet.reshape([T, N]), 0)) as tf.Tensor1D;
    return { z, zs: tf.split(z, T, 0) as tf.Tensor2D[], logQ };
  }

  /** The generative net: log p(x_t | z_<=t) per step t in `steps` (each [N]). */
  private generate(p: Tensors, zs: tf.Tensor2D[], xs: tf.Tensor2D[], steps: number[]): tf.Tensor1D[] {
    const d = gruSequence(p, 'p.gru', zs);
    return steps.map((t) => {
      const h = this.denseStack(p, 'p', d[t]);
      const mean = dense(h, p['p.mean.w'], p['p.mean.b'], { activation: 'linear' });
      const std = tf.add(softplus(dense(h, p['p.std.w'], p['p.std.b'], { activation: 'linear' })), this.spec.stdEpsilon);
      return gaussianLogDensity(xs[t], mean, std, tf.log(std)) as tf.Tensor1D;
    });
  }

  /** Rows [N, T * width] as T tensors [N, width] (data and noise only: no gradient flows back to them). */
  private stepsOf(rows: tf.Tensor2D, width: number): tf.Tensor2D[] {
    const T = this.spec.window;
    const N = rows.shape[0];
    const v = rows.dataSync();
    return Array.from({ length: T }, (_, t) => {
      const out = new Float32Array(N * width);
      for (let i = 0; i < N; i++) out.set(v.subarray((i * T + t) * width, (i * T + t + 1) * width), i * width);
      return tf.tensor2d(out, [N, width]);
    });
  }

  /** One-sample ELBO of each window: sum_t log p(x_t | z) + log p(z) - log q(z | x). */
  elbo(p: Tensors, x: tf.Tensor2D, eps: tf.Tensor2D): tf.Tensor1D {
    const { window: T, features: M, latent: Z } = this.spec;
    const xs = this.stepsOf(x, M);
    const { z, zs, logQ } = this.infer(p, xs, this.stepsOf(eps, Z), eps);
    const logPx = tf.addN(this.generate(p, zs, xs, Array.from({ length: T }, (_, t) => t)));
    const logPz = priorLogDensity(z.reshape([T, x.shape[0], Z]) as tf.Tensor3D, this.spec.prior);
    return tf.sub(tf.add(logPx, logPz), logQ) as tf.Tensor1D;
  }

  /** -mean ELBO over the batch + L2 on the dense kernels. */
  loss(p: Tensors, x: tf.Tensor2D, eps: tf.Tensor2D): tf.Scalar {
    return tf.add(tf.neg(tf.mean(this.elbo(p, x, eps))), l2Penalty(this.layout, p, this.spec.l2)) as tf.Scalar;
  }

  logWeights(p: Tensors, x: tf.Tensor2D, eps: tf.Tensor2D): tf.Tensor2D {
    const n = x.shape[0];
    const L = eps.shape[0] / n;
    return this.elbo(p, L === 1 ? x : tf.tile(x, [L, 1]), eps).reshape([L, n]) as tf.Tensor2D;
  }

  /** OmniAnomaly's score: log p(x_T | z) of each window's last step, averaged over the L samples of eps [L * n, T * Z]. */
  lastLogPx(p: Tensors, x: tf.Tensor2D, eps: tf.Tensor2D): tf.Tensor1D {
    const { window: T, features: M, latent: Z } = this.spec;
    const n = x.shape[0];
    const L = eps.shape[0] / n;
    const xs = this.stepsOf(L === 1 ? x : tf.tile(x, [L, 1]), M);
    const { zs } = this.infer(p, xs, this.stepsOf(eps, Z), eps);
    const [last] = this.generate(p, zs, xs, [T - 1]);
    return tf.mean(last.reshape([L, n]), 0) as tf.Tensor1D;
  }
}

/** Two dense layers (L2-regularised kernels) after a GRU. */
function declareDense(b: LayoutBuilder, net: string, input: number, width: number): void {
  b.add(`${net}.d0.w`, [input, width], 'glorot', { decay: true });
  b.add(`${net}.d0.b`, [width], 'zeros');
  b.add(`${net}.d1.w`, [width, width], 'glorot', { decay: true });
  b.add(`${net}.d1.b`, [width], 'zeros');
}
