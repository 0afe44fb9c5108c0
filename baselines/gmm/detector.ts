import { DensityDetector, splitDensityOptions, type DensityDetectorOptions } from '../../src/detector/density-detector.ts';
import { GMM_OPTIONS, GmmDensity, type GmmOptions } from './gmm.ts';

/** "TraceAnomaly with GMM" (paper Table VI): the GMM's log density in place of the flow-VAE's log p(x). */
export function gmmDetector(options: GmmOptions & Partial<DensityDetectorOptions> = {}): DensityDetector {
  const { pipeline, model } = splitDensityOptions('gmm', options, GMM_OPTIONS);
  return new DensityDetector('gmm', () => new GmmDensity(model), pipeline);
}
