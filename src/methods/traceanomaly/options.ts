import { BACKEND_CHOICES } from '../../lib/backend/backend.ts';
import { DEFAULT_VAE } from '../../lib/model/config.ts';
import { FLOW_KINDS } from '../../lib/model/flows/build.ts';
import { DEFAULT_TRAIN } from '../../lib/model/train-options.ts';
import { DENSITY_OPTIONS } from '../../lib/detector/density-detector.ts';
import { choice, defaultsOf, int, intList, num, optionSchema, text, type OptionsOf } from '../../lib/options/schema.ts';

const T = DEFAULT_TRAIN;
/** The options TraceAnomaly shares with the other density detectors (GMM, KDE), declared once there. */
const D = DENSITY_OPTIONS;

/**
 * Every option of the TraceAnomaly detector, declared once: type, range, default (the reference code's
 * architecture from src/lib/model/config.ts, the training schedule from src/lib/model/train-options.ts, chosen as
 * docs/model.md and docs/decision-rule.md say) and description. They go into result files and model folders;
 * `traceanomaly train` takes each as a flag, and docs/options.md lists them.
 */
export const TRACEANOMALY_OPTIONS = optionSchema({
  name: text('traceanomaly', { doc: "The method's name in tables; the vanilla VAE is the same detector named 'vae' with K = 0", flag: false }),
  flow: choice(FLOW_KINDS, DEFAULT_VAE.flow, { doc: 'Posterior flow: RealNVP blocks (the paper) or planar layers' }),
  flowLength: int(DEFAULT_VAE.flowLength, { min: 0 }, { doc: 'K: blocks of the posterior flow; 0 is the vanilla VAE' }),
  zDim: int(DEFAULT_VAE.zDim, { min: 2 }, { doc: 'Latent dimensions' }),
  hidden: intList(DEFAULT_VAE.hidden, {}, { doc: 'Hidden layer widths of the variational and generative nets' }),
  couplingHidden: int(DEFAULT_VAE.couplingHidden, { min: 1 }, { doc: "Hidden width of each coupling layer's shift and scale net" }),
  stdMin: num(DEFAULT_VAE.stdEpsilon, { gt: 0 }, { doc: 'Added to every softplus standard deviation of q(z|x) and p(x|z) (1e-4 in the reference code)' }),
  samples: int(500, { min: 1 }, { doc: 'L_z: importance samples per trace when scoring' }),
  alpha: D.alpha,
  bandwidth: D.bandwidth,
  validFraction: num(0.1, { gt: 0, lt: 1 }, { doc: 'Share of the training traces held out for early stopping (and for the heldout calibration)' }),
  calibration: D.calibration,
  folds: D.folds,
  backend: choice(BACKEND_CHOICES, 'auto', { doc: 'tfjs backend (docs/backends.md)' }),
  definition: D.definition,
  edgeLabel: D.edgeLabel,
  maxEpochs: int(T.maxEpochs, { min: 1 }, { doc: 'Upper bound on epochs (early stopping may end sooner)' }),
  maxSteps: int(T.maxSteps, { min: 1 }, { doc: 'Training ends at the end of the epoch that reaches this many optimiser steps (early stopping may end sooner)' }),
  batchSize: int(T.batchSize, { min: 1 }, { doc: 'Minibatch size' }),
  learningRate: num(T.learningRate, { gt: 0 }, { doc: "Adam's learning rate" }),
  lrDecayEvery: int(T.lrDecayEvery, { min: 1 }, { doc: 'Epochs between learning-rate decays' }),
  lrDecayFactor: num(T.lrDecayFactor, { gt: 0, max: 1 }, { doc: 'Factor of each learning-rate decay' }),
  clipNorm: num(T.clipNorm, { gt: 0 }, { doc: "Each parameter's gradient is clipped to this L2 norm" }),
  validEverySteps: int(T.validEverySteps, { min: 1 }, { doc: 'Optimiser steps between held-out NLL checks' }),
  validSamples: int(T.validSamples, { min: 1 }, { doc: 'L_z of the held-out NLL' }),
  patience: int(T.patience, { min: 1 }, { doc: 'Stop after this many checks without a new best held-out NLL (the best weights are kept)' }),
  minSteps: int(T.minSteps, { min: 0 }, { doc: 'Never stop early before this many optimiser steps' }),
  seed: int(T.seed, { min: 0 }, { doc: "Seed of every random choice (an experiment cell's seed replaces it)" }),
  workers: int(T.workers, { min: 1 }, { doc: 'Worker threads on the wasm backend (1 = the calling thread)' }),
});

/** Every option of the TraceAnomaly detector, with the value in use (they go into result files and model folders). */
export type TraceAnomalyOptions = OptionsOf<typeof TRACEANOMALY_OPTIONS>;

export const DEFAULT_OPTIONS: TraceAnomalyOptions = defaultsOf(TRACEANOMALY_OPTIONS);
