import { localizationMethod } from '../../src/lib/contracts/method.ts';
import { MONITORRANK_OPTIONS, MonitorRankLocalizer } from './monitorrank.ts';

export const method = localizationMethod({
  kind: 'localization',
  name: 'monitorrank',
  label: 'MonitorRank',
  description: 'MonitorRank (SIGMETRICS 2013): personalised PageRank over the call graph, weighted by rt-series correlation with the frontend',
  version: '1',
  seeded: false,
  options: MONITORRANK_OPTIONS,
  create: (options) => new MonitorRankLocalizer(options),
  cost: () => 1,
});
