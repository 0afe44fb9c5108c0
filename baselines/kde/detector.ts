import { DENSITY_OPTIONS, DensityDetector, splitDensityOptions } from '../../src/lib/detector/density-detector.ts';
import { defaultsOf, optionSchema, type OptionsOf } from '../../src/lib/options/schema.ts';
import { KDE_MODEL_OPTIONS, MultivariateKde } from './multivariate-kde.ts';

/** Every option of "TraceAnomaly with KDE": the KDE's, then the pipeline's (validation split, decision KDE, seed). */
export const KDE_OPTIONS = optionSchema({
  ...KDE_MODEL_OPTIONS,
  ...DENSITY_OPTIONS,
});

export type KdeDetectorOptions = OptionsOf<typeof KDE_OPTIONS>;

export const KDE_DEFAULTS: KdeDetectorOptions = defaultsOf(KDE_OPTIONS);

/** "TraceAnomaly with KDE" (paper Table VI): a multivariate KDE's log density in place of the flow-VAE's log p(x). */
export function kdeDetector(options: Partial<KdeDetectorOptions> = {}): DensityDetector {
  const { pipeline, model } = splitDensityOptions({ ...KDE_DEFAULTS, ...options });
  return new DensityDetector('kde', () => new MultivariateKde(model), pipeline);
}
