import { DensityDetector, splitDensityOptions, type DensityDetectorOptions } from '../../src/detector/density-detector.ts';
import { KDE_OPTIONS, MultivariateKde, type KdeOptions } from './multivariate-kde.ts';

/** "TraceAnomaly with KDE" (paper Table VI): a multivariate KDE's log density in place of the flow-VAE's log p(x). */
export function kdeDetector(options: KdeOptions & Partial<DensityDetectorOptions> = {}): DensityDetector {
  const { pipeline, model } = splitDensityOptions('kde', options, KDE_OPTIONS);
  return new DensityDetector('kde', () => new MultivariateKde(model), pipeline);
}
