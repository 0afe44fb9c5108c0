import { checkOptions } from '../../baselines/shared/options.ts';
import type { Detector } from '../contracts/detector.ts';
import { DEFAULT_OPTIONS } from '../detector/options.ts';
import { TraceAnomalyDetector, vanillaVae } from '../detector/traceanomaly-detector.ts';

/**
 * TraceAnomaly and its vanilla-VAE form as experiment files configure them: the options are checked against
 * the detector's defaults first, so that a misspelt option is an input error, not a silent default.
 */
export function checkedTraceAnomaly(options: Record<string, unknown>): Detector {
  checkOptions('traceanomaly', DEFAULT_OPTIONS, options);
  return new TraceAnomalyDetector(options);
}

export function checkedVae(options: Record<string, unknown>): Detector {
  checkOptions('vae', DEFAULT_OPTIONS, options);
  return vanillaVae(options);
}
