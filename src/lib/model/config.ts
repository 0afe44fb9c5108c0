import type { FlowKind } from './flows/build.ts';

/** The flow-VAE of paper sec. III-B; defaults are the reference code's. */
export interface VaeConfig {
  /** Input (STV) dimensions. */
  inputDim: number;
  /** Latent dimensions (10). */
  zDim: number;
  /** Hidden layer widths of the variational net and of the generative net ([500, 500]). */
  hidden: number[];
  /** Posterior flow: 'rnvp' (RealNVP blocks) or 'planar'. */
  flow: FlowKind;
  /** K, the flow length (10); 0 is the vanilla VAE. */
  flowLength: number;
  /** Hidden width of each coupling layer's shift/scale net (500). */
  couplingHidden: number;
  /** Negative slope of the leaky ReLUs (0.2, TensorFlow's default). */
  leakySlope: number;
  /** Added to the softplus of each standard deviation (1e-4). */
  stdEpsilon: number;
  /** L2 weight on the hidden layers' kernels (1e-4; the loss adds l2 * sum(w^2) / 2). */
  l2: number;
}

export const DEFAULT_VAE: Omit<VaeConfig, 'inputDim'> = {
  zDim: 10,
  hidden: [500, 500],
  flow: 'rnvp',
  flowLength: 10,
  couplingHidden: 500,
  leakySlope: 0.2,
  stdEpsilon: 1e-4,
  l2: 1e-4,
};
