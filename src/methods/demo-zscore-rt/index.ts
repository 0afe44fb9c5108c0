import { detectionMethod } from '../../lib/contracts/method.ts';
import { num } from '../../lib/options/schema.ts';
import { ZSCORE_OPTIONS, ZScoreDetector } from '../demo-zscore/detector.ts';

/** The demo z-score without its path rule (so naming no types), trained on a seeded half of the training data. */
const OPTIONS = ZSCORE_OPTIONS.omit({ paths: true }).extend({ sample: num(0.5, { gt: 0, max: 1 }, { doc: 'Share of the training rows used, drawn with the seed' }) });

export const method = detectionMethod({
  kind: 'detection',
  decision: 'threshold',
  name: 'demo-zscore-rt',
  label: 'demo-zscore-rt',
  description: 'Demo only: largest |z| of an STV dimension, trained on a seeded half of the training data; names no types',
  version: '1',
  seeded: true,
  options: OPTIONS,
  create: (options) => new ZScoreDetector('demo-zscore-rt', { ...options, paths: false }),
});
