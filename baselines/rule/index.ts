import { detectionMethod } from '../../src/lib/contracts/method.ts';
import { RULE_OPTIONS } from './rule-set.ts';
import { RuleDetector } from './rules.ts';

export const method = detectionMethod({
  kind: 'detection',
  decision: 'rules',
  name: 'rule',
  label: 'Hard-coded rule',
  description: "Hard-coded rule (company S, secs. V-B and V-D): a call's fault code is a path anomaly, a call over its fixed timeout (2,000 ms) an rt anomaly; nothing is learned",
  version: '1',
  seeded: false,
  options: RULE_OPTIONS,
  create: (options) => new RuleDetector(options),
  cost: () => 1,
});
