import * as tf from '@tensorflow/tfjs';
import type { Detector } from '../src/contracts/detector.ts';
import { InputError } from '../src/util/errors.ts';
import { AEVB_DEFAULTS, AevbDetector } from './aevb/aevb.ts';
import { OMNI_DEFAULTS, OmniAnomalyDetector } from './omnianomaly/omnianomaly.ts';
import { checkOptions } from './shared/options.ts';

/** The neural detection baselines of Table II by table name: defaults, and a maker given checked options and the cell's seed. */
const DEEP_BASELINES = {
  aevb: {
    description: 'AEVB (Nedelkoski et al. CCGrid 2019): one VAE per microservice over its response-time series, dynamic error threshold (baselines/aevb/)',
    defaults: AEVB_DEFAULTS,
    make: (o: Record<string, unknown>) => new AevbDetector(o),
  },
  omnianomaly: {
    description: 'OmniAnomaly (Su et al. KDD 2019): stochastic recurrent VAE with planar flow over the time-ordered microservice response times, POT threshold (baselines/omnianomaly/)',
    defaults: OMNI_DEFAULTS,
    make: (o: Record<string, unknown>) => new OmniAnomalyDetector(o),
  },
} as const;

export type DeepBaselineName = keyof typeof DEEP_BASELINES;
export const DEEP_BASELINE_NAMES = Object.keys(DEEP_BASELINES) as DeepBaselineName[];

export function deepBaselineDescription(name: DeepBaselineName): string {
  return DEEP_BASELINES[name].description;
}

/** A neural baseline by name with options checked against its defaults; `seed` (the cell's) seeds everything random. */
export function createDeepBaseline(name: string, options: Record<string, unknown> = {}, seed = 1): Detector {
  const entry = (DEEP_BASELINES as Record<string, (typeof DEEP_BASELINES)[DeepBaselineName]>)[name];
  if (entry === undefined) throw new InputError({}, `unknown neural baseline "${name}" (known: ${DEEP_BASELINE_NAMES.join(', ')})`);
  checkOptions(name, entry.defaults, options);
  return entry.make({ ...options, seed });
}

/** The tfjs backend in use (after a cell ran: the one it trained on). */
export const activeBackend = (): string => tf.getBackend();
