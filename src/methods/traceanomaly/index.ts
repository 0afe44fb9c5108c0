import { detectionMethod } from '../../lib/contracts/method.ts';
import { TraceAnomalyDetector } from './detector.ts';
import { TRACEANOMALY_OPTIONS, type TraceAnomalyOptions } from './options.ts';

/**
 * A cell's rough cost in seconds (for `--shard`): training by optimiser steps (about 70 an epoch at the quick
 * preset's size, 25 s an epoch), once more per fold for crossfit calibration; scoring by importance samples
 * (3.6 s per L_z, twice when the training traces are scored too). Measured with ablation-samples --quick.
 */
export function traceAnomalyCost(o: TraceAnomalyOptions): number {
  const steps = Math.min(o.maxSteps, 70 * o.maxEpochs);
  const fits = o.calibration === 'crossfit' ? 1 + o.folds : 1;
  return 30 + (25 / 70) * steps * fits + 3.6 * o.samples * (o.calibration === 'heldout' ? 1 : 2);
}

export const method = detectionMethod({
  kind: 'detection',
  decision: 'p-value',
  name: 'traceanomaly',
  label: 'TraceAnomaly',
  description: 'TraceAnomaly (sec. III): flow-VAE over normalised STVs, log p(x) by importance sampling, KDE p-value, unseen call paths',
  version: '1',
  seeded: true,
  tfjs: true,
  options: TRACEANOMALY_OPTIONS,
  create: (options) => new TraceAnomalyDetector(options),
  cost: traceAnomalyCost,
});
