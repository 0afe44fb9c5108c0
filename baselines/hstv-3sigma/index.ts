import { detectionMethod } from '../../src/lib/contracts/method.ts';
import { HSTV_OPTIONS, HstvDetector } from './hstv.ts';

export const method = detectionMethod({
  kind: 'detection',
  decision: 'threshold',
  name: 'hstv-3sigma',
  label: 'HSTV-3sigma',
  description: "HSTV 3-sigma: a trace's dimensions against the training traces with the same valid dimensions (sec. II-D's index as a detector)",
  version: '2',
  seeded: false,
  options: HSTV_OPTIONS,
  create: (options) => new HstvDetector(options),
  cost: () => 1,
});
