import { detectionMethod } from '../../src/lib/contracts/method.ts';
import { KDE_OPTIONS, kdeDetector } from './detector.ts';

export const method = detectionMethod({
  kind: 'detection',
  decision: 'p-value',
  name: 'kde',
  label: 'KDE',
  description: 'TraceAnomaly with KDE (Table VI): a multivariate Gaussian KDE, the same STVs, KDE p-value decision and unseen rule',
  version: '1',
  seeded: true,
  options: KDE_OPTIONS,
  create: (options) => kdeDetector(options),
  cost: () => 60,
});
