/** SGVB training settings (paper sec. III-C); defaults follow the reference code where it has one. */
export interface TrainOptions {
  /** Upper bound on epochs (a cap: early stopping may end sooner). */
  maxEpochs: number;
  /** Optimiser steps after which training ends, at the end of that epoch (a compute budget; whichever of the two caps comes first ends training). */
  maxSteps: number;
  batchSize: number;
  learningRate: number;
  /** The learning rate is multiplied by lrDecayFactor every lrDecayEvery epochs (0.5 every 100). */
  lrDecayEvery: number;
  lrDecayFactor: number;
  /** Each parameter's gradient is clipped to this L2 norm (10). */
  clipNorm: number;
  /** The held-out NLL (importance-sampled) at the end of the first epoch after every this many optimiser steps. */
  validEverySteps: number;
  /** L_z for the validation NLL. */
  validSamples: number;
  /** Stop after this many validations in a row without a new best held-out NLL; the best weights are kept. */
  patience: number;
  /** Never stop early before this many optimiser steps (a small training set trains as long as a large one). */
  minSteps: number;
  seed: number;
  /** Worker threads for data-parallel training and scoring on the wasm backend (1 = the calling thread). */
  workers: number;
}

/**
 * Defaults, chosen without test labels (docs/model.md, *Training length*): the held-out NLL every 500 steps, stop
 * after 2 validations without a new best but not before 1,000 steps; a budget of 2,000 steps (the reference code's
 * 2,000 epochs are out of reach on a CPU). On the released split's 18,000 training traces the held-out NLL still
 * falls at 4,200 steps, so the budget ends training; on a 1,000-trace sample it is best near 500-900 steps and rises
 * after, so early stopping ends it.
 */
export const DEFAULT_TRAIN: TrainOptions = {
  maxEpochs: 2000,
  maxSteps: 2000,
  batchSize: 256,
  learningRate: 1e-3,
  lrDecayEvery: 100,
  lrDecayFactor: 0.5,
  clipNorm: 10,
  validEverySteps: 500,
  validSamples: 100,
  patience: 2,
  minSteps: 1000,
  seed: 1,
  workers: 2,
};

export interface AdamSettings {
  beta1: number;
  beta2: number;
  epsilon: number;
  clipNorm: number;
}

/** TensorFlow's Adam defaults, and the reference code's clip norm. */
export const ADAM: AdamSettings = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, clipNorm: 10 };
