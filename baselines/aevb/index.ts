import { detectionMethod } from '../../src/lib/contracts/method.ts';
import { AEVB_OPTIONS, AevbDetector } from './aevb.ts';

export const method = detectionMethod({
  kind: 'detection',
  decision: 'threshold',
  name: 'aevb',
  label: 'AEVB',
  description: "AEVB (Nedelkoski et al.): one VAE per microservice over its response-time series; a point's reconstruction error above a dynamic threshold is an rt anomaly",
  version: '1',
  seeded: true,
  tfjs: true,
  options: AEVB_OPTIONS,
  create: (options) => new AevbDetector(options),
  cost: () => 30,
});
