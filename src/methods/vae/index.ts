import { detectionMethod } from '../../lib/contracts/method.ts';
import { vanillaVae } from '../traceanomaly/detector.ts';
import { traceAnomalyCost } from '../traceanomaly/index.ts';
import { TRACEANOMALY_OPTIONS } from '../traceanomaly/options.ts';

/** TraceAnomaly's options but the flow length (always 0) and the name ('vae'). */
export const VAE_OPTIONS = TRACEANOMALY_OPTIONS.omit({ name: true, flowLength: true });

export const method = detectionMethod({
  kind: 'detection',
  decision: 'p-value',
  name: 'vae',
  label: 'VAE',
  description: 'TraceAnomaly with a vanilla VAE (Table VI): the same detector with posterior flow length K = 0',
  version: '1',
  seeded: true,
  tfjs: true,
  options: VAE_OPTIONS,
  create: (options) => vanillaVae(options),
  cost: (o) => traceAnomalyCost({ ...o, name: 'vae', flowLength: 0 }),
});
