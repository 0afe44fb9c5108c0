import { detectionMethod } from '../../src/lib/contracts/method.ts';
import { CFG_OPTIONS, CfgDetector } from './cfg.ts';

export const method = detectionMethod({
  kind: 'detection',
  decision: 'threshold',
  name: 'cfg',
  label: 'CFG-based',
  description: 'CFG-based (Nandi et al.): a control-flow graph mined from normal traces; an event none of whose CFG children comes within its expected lag is anomalous',
  version: '1',
  seeded: false,
  options: CFG_OPTIONS,
  create: (options) => new CfgDetector(options),
  cost: () => 2,
});
