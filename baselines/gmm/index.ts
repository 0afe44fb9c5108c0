import { detectionMethod } from '../../src/lib/contracts/method.ts';
import { GMM_OPTIONS, gmmDetector } from './detector.ts';

export const method = detectionMethod({
  kind: 'detection',
  decision: 'p-value',
  name: 'gmm',
  label: 'GMM',
  description: 'TraceAnomaly with GMM (Table VI): EM, components by BIC, the same STVs, KDE p-value decision and unseen rule',
  version: '1',
  seeded: true,
  options: GMM_OPTIONS,
  create: (options) => gmmDetector(options),
  cost: () => 20,
});
