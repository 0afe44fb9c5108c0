import { detectionMethod } from '../../src/lib/contracts/method.ts';
import { OMNI_OPTIONS, OmniAnomalyDetector } from './omnianomaly.ts';

export const method = detectionMethod({
  kind: 'detection',
  decision: 'pot',
  name: 'omnianomaly',
  label: 'OmniAnomaly',
  description: "OmniAnomaly (Su et al.): a stochastic recurrent VAE over the traces' microservice response times in time order; scores above a POT threshold are rt anomalies",
  version: '1',
  seeded: true,
  tfjs: true,
  options: OMNI_OPTIONS,
  create: (options) => new OmniAnomalyDetector(options),
  cost: () => 150,
});
