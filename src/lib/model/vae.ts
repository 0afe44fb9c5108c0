import * as tf from '@tensorflow/tfjs';
import type { Random } from '../util/random.ts';
import type { VaeConfig } from './config.ts';
import { dense, softplus, sumLastAxis } from './dense.ts';
import { buildFlow } from './flows/build.ts';
import type { FlowLayer } from './flows/flow.ts';
import { chainSuitsBackend, rnvpBlocks, rnvpChain, type RnvpBlock } from './flows/rnvp-chain.ts';
import { HALF_LOG_2PI, gaussianLogDensity, standardNormalLogDensity } from './gaussian.ts';
import { l2Penalty, LayoutBuilder, ParamLayout, type Tensors } from './params.ts';

/** Parameters of a Gaussian net: hidden layers (L2-regularised kernels), then mean and std heads. */
function declareGaussianNet(b: LayoutBuilder, net: string, inputDim: number, hidden: number[], outDim: number): void {
  let width = inputDim;
  hidden.forEach((h, i) => {
    b.add(`${net}.h${i}.w`, [width, h], 'glorot', { decay: true });
    b.add(`${net}.h${i}.b`, [h], 'zeros');
    width = h;
  });
  for (const head of ['mean', 'std']) {
    b.add(`${net}.${head}.w`, [width, outDim], 'glorot');
    b.add(`${net}.${head}.b`, [outDim], 'zeros');
  }
}

/**
 * The flow-VAE of paper sec. III-B (and of the released reference code):
 * - variational net: x -> dense layers with leaky ReLU -> mean, std = softplus(.) + eps of z0;
 * - posterior flow: z = f_K o ... o f_1 (z0), log q(z|x) = log q0(z0|x) - sum log|det df_k|;
 * - generative net: z -> dense layers with leaky ReLU -> mean, std = softplus(.) + eps of x;
 * - prior N(0, I).
 * Every method is a pure function of the parameter tensors, so training, scoring and saved models share it.
 */
export class FlowVae {
  readonly layout: ParamLayout;
  readonly flow: FlowLayer[];
  /** The flow's RealNVP blocks (null for a planar flow or none), for the one-operation chain (rnvp-chain.ts). */
  private readonly blocks: RnvpBlock[] | null;

  constructor(readonly config: VaeConfig) {
    const c = config;
    this.flow = c.flowLength > 0 ? buildFlow(c.flow, c.flowLength, c.zDim, c.couplingHidden, c.leakySlope) : [];
    this.blocks = rnvpBlocks(this.flow);
    const b = new LayoutBuilder();
    declareGaussianNet(b, 'enc', c.inputDim, c.hidden, c.zDim);
    for (const layer of this.flow) layer.declare(b);
    declareGaussianNet(b, 'dec', c.zDim, c.hidden, c.inputDim);
    this.layout = new ParamLayout(b.specs);
  }

  /** Random initial parameters (ActNorm layers still need `initFromData`). */
  initialParams(rng: Random): Float32Array {
    const flat = this.layout.initialValues(rng);
    for (const layer of this.flow) layer.init?.(this.layout, flat, rng);
    return flat;
  }

  /**
   * Data-dependent initialisation (ActNorm): pushes one batch through the variational net and the flow, and
   * sets each ActNorm layer from the statistics of what reaches it. `eps` holds rows x zDim normals.
   */
  initFromData(flat: Float32Array, x: tf.Tensor2D, eps: tf.Tensor2D): void {
    if (!this.flow.some((l) => l.initFromData)) return;
    tf.tidy(() => {
      let p = this.layout.toTensors(flat);
      const { mean, std } = this.encode(p, x);
      let z = tf.add(mean, tf.mul(std, eps)) as tf.Tensor2D;
      for (const layer of this.flow) {
        if (layer.initFromData) {
          layer.initFromData(this.layout, flat, z.dataSync() as Float32Array, this.config.zDim);
          p = this.layout.toTensors(flat);
        }
        z = layer.forward(p, z).y;
      }
    });
  }

  /** Mean and std of q0(z0|x). */
  encode(p: Tensors, x: tf.Tensor2D): { mean: tf.Tensor2D; std: tf.Tensor2D } {
    return this.gaussianNet(p, 'enc', x, false);
  }

  /** Mean and std of p(x|z). */
  decode(p: Tensors, z: tf.Tensor2D): { mean: tf.Tensor2D; std: tf.Tensor2D } {
    return this.gaussianNet(p, 'dec', z, true);
  }

  /** Dense layers with leaky ReLU, then a linear mean and a std = softplus(linear) + eps (both nets of Fig. 8). */
  private gaussianNet(p: Tensors, net: 'enc' | 'dec', input: tf.Tensor2D, inputGrad: boolean): { mean: tf.Tensor2D; std: tf.Tensor2D } {
    let h = input;
    this.config.hidden.forEach((_, i) => {
      h = dense(h, p[`${net}.h${i}.w`], p[`${net}.h${i}.b`], { activation: 'leaky', alpha: this.config.leakySlope, inputGrad: inputGrad || i > 0 });
    });
    const mean = dense(h, p[`${net}.mean.w`], p[`${net}.mean.b`], { activation: 'linear' });
    const std = tf.add(softplus(dense(h, p[`${net}.std.w`], p[`${net}.std.b`], { activation: 'linear' })), this.config.stdEpsilon) as tf.Tensor2D;
    return { mean, std };
  }

  /**
   * z = flow(z0) and the summed log|det| per row. With `chain` (the training loss, see elbo()), a RealNVP flow on
   * a host-memory backend runs as one operation computed by the WebAssembly kernel (rnvpChain). Otherwise layer
   * by layer, as scoring always does (so that a trace's score does not depend on the size of its chunk); the
   * layers' log-determinants that are the same for every row (ActNorm, invertible dense: scalars) are summed
   * apart and added once: each broadcast addition would cost a reduction over the rows in the backward pass.
   */
  flowForward(p: Tensors, z0: tf.Tensor2D, chain = false): { z: tf.Tensor2D; logDet: tf.Tensor1D } {
    if (chain && this.blocks && chainSuitsBackend()) return rnvpChain(this.blocks, p, z0);
    let z = z0;
    const perRow: tf.Tensor[] = [];
    const shared: tf.Tensor[] = [];
    for (const layer of this.flow) {
      const r = layer.forward(p, z);
      z = r.y;
      (r.logDet.rank === 0 ? shared : perRow).push(r.logDet);
    }
    const total = (ts: tf.Tensor[]) => (ts.length === 1 ? ts[0] : tf.addN(ts));
    let logDet = perRow.length > 0 ? total(perRow) : tf.zeros([z0.shape[0]]);
    if (shared.length > 0) logDet = tf.add(logDet, total(shared));
    return { z, logDet: logDet as tf.Tensor1D };
  }

  /**
   * Samples z ~ q(z|x) by reparameterisation, z0 = mean + std * eps, and returns z with log q(z|x).
   * mean and std are [n, zDim]; eps is [L * n, zDim], sample l of row i at row l * n + i (L = 1 in training).
   * `chain`: the flow as the kernel operation where it can run (see flowForward).
   */
  posterior(p: Tensors, mean: tf.Tensor2D, std: tf.Tensor2D, eps: tf.Tensor2D, chain = false): { z: tf.Tensor2D; logQ: tf.Tensor1D } {
    const [n, Z] = mean.shape;
    const L = eps.shape[0] / n;
    const e = L === 1 ? eps : eps.reshape([L, n, Z]);
    const z0 = tf.add(mean, tf.mul(std, e)).reshape([L * n, Z]) as tf.Tensor2D;
    const logStd = sumLastAxis(tf.log(std)); // [n]
    const logQ0 = tf.sub(tf.neg(tf.add(tf.mul(sumLastAxis(tf.square(e)), 0.5), logStd)), Z * HALF_LOG_2PI).reshape([L * n]);
    const { z, logDet } = this.flowForward(p, z0, chain);
    return { z, logQ: tf.sub(logQ0, logDet) as tf.Tensor1D };
  }

  /** log p(x|z) for rows of z; x is [n, D] or broadcastable to the decoder's output once reshaped by the caller. */
  logLikelihood(p: Tensors, x: tf.Tensor, z: tf.Tensor2D, shape?: number[]): tf.Tensor {
    const { mean, std } = this.decode(p, z);
    const m = shape ? mean.reshape(shape) : mean;
    const s = shape ? std.reshape(shape) : std;
    return gaussianLogDensity(x, m, s, tf.log(s));
  }

  /**
   * One-sample ELBO per row: log p(x|z) + log p(z) - log q(z|x), z from eps [n, zDim]. This is the training loss's
   * path, so the flow runs as the kernel operation where it can (flowForward).
   */
  elbo(p: Tensors, x: tf.Tensor2D, eps: tf.Tensor2D): tf.Tensor1D {
    const { mean, std } = this.encode(p, x);
    const { z, logQ } = this.posterior(p, mean, std, eps, true);
    return tf.sub(tf.add(this.logLikelihood(p, x, z), standardNormalLogDensity(z)), logQ) as tf.Tensor1D;
  }

  /** L2 penalty on the hidden kernels: l2 * sum(w^2) / 2 (TensorFlow's l2_loss). */
  penalty(p: Tensors): tf.Scalar {
    return l2Penalty(this.layout, p, this.config.l2);
  }

  /** The SGVB training loss (Eq. 2): -mean ELBO over the batch plus the L2 penalty. */
  loss(p: Tensors, x: tf.Tensor2D, eps: tf.Tensor2D): tf.Scalar {
    return tf.add(this.dataLoss(p, x, eps), this.penalty(p)) as tf.Scalar;
  }

  /** The loss without the L2 penalty, for optimisers that add the penalty's gradient themselves (FlatAdam). */
  dataLoss(p: Tensors, x: tf.Tensor2D, eps: tf.Tensor2D): tf.Scalar {
    return tf.neg(tf.mean(this.elbo(p, x, eps))) as tf.Scalar;
  }

  /**
   * Importance weights log [p(x|z_l) p(z_l) / q(z_l|x)] for L samples per row (Eq. 3), shape [L, n].
   * eps is [L * n, zDim], sample l of row i at row l * n + i.
   */
  logWeights(p: Tensors, x: tf.Tensor2D, eps: tf.Tensor2D): tf.Tensor2D {
    const n = x.shape[0];
    const L = eps.shape[0] / n;
    const { mean, std } = this.encode(p, x);
    const { z, logQ } = this.posterior(p, mean, std, eps);
    const logPx = this.logLikelihood(p, x.reshape([1, n, this.config.inputDim]), z, [L, n, this.config.inputDim]);
    return tf.sub(tf.add(logPx, standardNormalLogDensity(z).reshape([L, n])), logQ.reshape([L, n])) as tf.Tensor2D;
  }
}
