import { detectionMethod } from '../../src/lib/contracts/method.ts';
import { DEEPLOG_OPTIONS, DeepLogDetector } from './deeplog.ts';

export const method = detectionMethod({
  kind: 'detection',
  decision: 'threshold',
  name: 'deeplog',
  label: 'DeepLog*',
  description: "DeepLog* (Du et al.'s key model): an LSTM predicts each next call key, one outside its g most probable is a path anomaly; times out of 3-sigma are rt ones",
  version: '1',
  seeded: true,
  tfjs: true,
  options: DEEPLOG_OPTIONS,
  create: (options) => new DeepLogDetector(options),
  cost: () => 100,
});
