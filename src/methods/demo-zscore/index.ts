import { detectionMethod } from '../../lib/contracts/method.ts';
import { ZSCORE_OPTIONS, ZScoreDetector } from './detector.ts';

export const method = detectionMethod({
  kind: 'detection',
  decision: 'threshold',
  name: 'demo-zscore',
  label: 'demo-zscore',
  description: 'Demo only: largest |z| of an STV dimension; a new set of valid dimensions is a path anomaly',
  version: '1',
  seeded: true,
  options: ZSCORE_OPTIONS,
  create: (options) => new ZScoreDetector('demo-zscore', options),
});
