import { DENSITY_OPTIONS, DensityDetector, splitDensityOptions } from '../../src/lib/detector/density-detector.ts';
import { defaultsOf, optionSchema, type OptionsOf } from '../../src/lib/options/schema.ts';
import { GMM_MODEL_OPTIONS, GmmDensity } from './gmm.ts';

/** Every option of "TraceAnomaly with GMM": the GMM's, then the pipeline's (validation split, decision KDE, seed). */
export const GMM_OPTIONS = optionSchema({
  ...GMM_MODEL_OPTIONS,
  ...DENSITY_OPTIONS,
});

export type GmmDetectorOptions = OptionsOf<typeof GMM_OPTIONS>;

export const GMM_DEFAULTS: GmmDetectorOptions = defaultsOf(GMM_OPTIONS);

/** "TraceAnomaly with GMM" (paper Table VI): the GMM's log density in place of the flow-VAE's log p(x). */
export function gmmDetector(options: Partial<GmmDetectorOptions> = {}): DensityDetector {
  const { pipeline, model } = splitDensityOptions({ ...GMM_DEFAULTS, ...options });
  return new DensityDetector('gmm', () => new GmmDensity(model), pipeline);
}
