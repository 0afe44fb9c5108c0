import { localizationMethod } from '../../src/lib/contracts/method.ts';
import { RCSF_OPTIONS, RcsfLocalizer } from './rcsf.ts';

export const method = localizationMethod({
  kind: 'localization',
  name: 'rcsf',
  label: 'RCSF',
  description: 'RCSF (IWQoS 2015): frequent sequential patterns over the error paths of an incident',
  version: '2',
  seeded: false,
  options: RCSF_OPTIONS,
  create: (options) => new RcsfLocalizer(options),
  cost: () => 1,
});
