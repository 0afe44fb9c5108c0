import type { BackendChoice } from '../backend/backend.ts';
import type { PathDefinition } from '../callpaths/call-path-list.ts';
import type { EdgeLabel } from '../callpaths/edges.ts';
import type { BandwidthRule } from '../decision/kde.ts';
import type { CalibrationSource } from '../decision/calibration.ts';
import { DEFAULT_VAE } from '../model/config.ts';
import type { FlowKind } from '../model/flows/build.ts';
import { DEFAULT_TRAIN, type TrainOptions } from '../model/train-options.ts';

/** Every option of the TraceAnomaly detector, with the value in use (they go into result files and model folders). */
export interface TraceAnomalyOptions extends Omit<TrainOptions, 'workers' | 'seed'> {
  /** Method name in tables: 'traceanomaly'; the vanilla VAE baseline is the same detector with flowLength 0. */
  name: string;
  flow: FlowKind;
  /** K: RealNVP blocks (or planar layers) in the posterior flow; 0 = vanilla VAE. */
  flowLength: number;
  zDim: number;
  hidden: number[];
  couplingHidden: number;
  /** The epsilon added to every softplus std (the minimum std of q(z|x) and p(x|z)); 1e-4 in the reference code. */
  stdMin: number;
  /** L_z: importance samples per trace when scoring. */
  samples: number;
  /** Significance level of the KDE p-value test. */
  alpha: number;
  bandwidth: BandwidthRule;
  /** Share of the training traces held out for validation (early stopping) and for the `heldout` KDE. */
  validFraction: number;
  /** Which normal traces' log p(x) the decision KDE is fitted to: heldout, train or crossfit (src/decision/calibration.ts). */
  calibration: CalibrationSource;
  /** Folds of `crossfit` (each fold's log p(x) from a model trained on the others). */
  folds: number;
  seed: number;
  backend: BackendChoice;
  /** Worker threads on the wasm backend. */
  workers: number;
  /** Raw traces only: how call paths are built (see the STV section). */
  definition: PathDefinition;
  edgeLabel: EdgeLabel;
}

export const DEFAULT_OPTIONS: TraceAnomalyOptions = {
  name: 'traceanomaly',
  flow: DEFAULT_VAE.flow,
  flowLength: DEFAULT_VAE.flowLength,
  zDim: DEFAULT_VAE.zDim,
  hidden: DEFAULT_VAE.hidden,
  couplingHidden: DEFAULT_VAE.couplingHidden,
  stdMin: DEFAULT_VAE.stdEpsilon,
  samples: 500,
  alpha: 0.001,
  bandwidth: 'silverman',
  validFraction: 0.1,
  calibration: 'crossfit',
  folds: 5,
  backend: 'auto',
  definition: 'prefix',
  edgeLabel: 'service',
  ...DEFAULT_TRAIN,
};
