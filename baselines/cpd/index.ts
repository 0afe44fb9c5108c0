import { detectionMethod } from '../../src/lib/contracts/method.ts';
import { CPD_OPTIONS, CpdDetector } from './cpd.ts';

export const method = detectionMethod({
  kind: 'detection',
  decision: 'threshold',
  name: 'cpd',
  label: 'CPD-based',
  description: "CPD-based (Bao et al.): a prediction suffix tree of the normal key sequences; a trace whose mean log probability per key is below the training traces' 0.5 % quantile is a path anomaly",
  version: '1',
  seeded: false,
  options: CPD_OPTIONS,
  create: (options) => new CpdDetector(options),
  cost: () => 2,
});
