import { detectionMethod } from '../../src/lib/contracts/method.ts';
import { MULTIMODAL_OPTIONS, MultimodalLstmDetector } from './multimodal.ts';

export const method = detectionMethod({
  kind: 'detection',
  decision: 'threshold',
  name: 'multimodal-lstm',
  label: 'Multimodal LSTM',
  description: "Multimodal LSTM (Nedelkoski et al.): an LSTM over each trace's event labels and response times predicts the next of both; flags traces without a type",
  version: '2',
  seeded: true,
  tfjs: true,
  options: MULTIMODAL_OPTIONS,
  create: (options) => new MultimodalLstmDetector(options),
  cost: () => 100,
});
