import { localizationMethod } from '../../lib/contracts/method.ts';
import { TRACEANOMALY_LOCALIZER_OPTIONS, TraceAnomalyLocalizer } from './localizer.ts';

export const method = localizationMethod({
  kind: 'localization',
  name: 'traceanomaly-rca',
  label: 'TraceAnomaly',
  description: "TraceAnomaly's root-cause localisation (sec. II-D): HSTV 3-sigma, longest anomalous call path; longest common path without HSTV",
  version: '2',
  seeded: false,
  options: TRACEANOMALY_LOCALIZER_OPTIONS,
  create: (options) => new TraceAnomalyLocalizer(options),
  cost: () => 1,
});
