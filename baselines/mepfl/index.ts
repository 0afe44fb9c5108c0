import { localizationMethod } from '../../src/lib/contracts/method.ts';
import { MEPFL_OPTIONS, MepflLocalizer } from './mepfl.ts';

export const method = localizationMethod({
  kind: 'localization',
  name: 'mepfl',
  label: 'MEPFL',
  description: 'MEPFL (ESEC/FSE 2019): supervised faulty-microservice classifier on trace features, trained on fault-injection traces',
  version: '1',
  seeded: true,
  options: MEPFL_OPTIONS,
  create: (options) => new MepflLocalizer(options),
  cost: () => 60,
});
