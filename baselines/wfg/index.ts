import { detectionMethod } from '../../src/lib/contracts/method.ts';
import { WFG_OPTIONS, WfgDetector } from './wfg.ts';

export const method = detectionMethod({
  kind: 'detection',
  decision: 'threshold',
  name: 'wfg',
  label: 'WFG-based',
  description: 'WFG-based (Fu et al.): a workflow automaton of the normal key sequences; unaccepted traces are path anomalies, transition times out of 3-sigma rt ones',
  version: '2',
  seeded: false,
  options: WFG_OPTIONS,
  create: (options) => new WfgDetector(options),
  cost: () => 2,
});
