import type { Localizer } from '../src/contracts/localizer.ts';
import { TRACEANOMALY_LOCALIZER_DEFAULTS, TraceAnomalyLocalizer } from '../src/localize/traceanomaly-localizer.ts';
import { InputError } from '../src/util/errors.ts';
import { MEPFL_DEFAULTS, MepflLocalizer } from './mepfl/mepfl.ts';
import { MONITORRANK_DEFAULTS, MonitorRankLocalizer } from './monitorrank/monitorrank.ts';
import { RCSF_DEFAULTS, RcsfLocalizer } from './rcsf/rcsf.ts';
import { checkOptions } from './shared/options.ts';

/** The root-cause localisers of Table IV by name: TraceAnomaly's (sec. II-D) and the three baselines (sec. V-E). */
export const LOCALIZERS = {
  'traceanomaly-rca': {
    description: "TraceAnomaly's root-cause localisation (sec. II-D): HSTV 3-sigma, longest anomalous call path; longest common path without HSTV",
    defaults: TRACEANOMALY_LOCALIZER_DEFAULTS,
    make: (o: Record<string, unknown>) => new TraceAnomalyLocalizer(o),
  },
  monitorrank: {
    description: 'MonitorRank (SIGMETRICS 2013): personalised PageRank over the call graph, weighted by rt-series correlation with the frontend',
    defaults: MONITORRANK_DEFAULTS,
    make: (o: Record<string, unknown>) => new MonitorRankLocalizer(o),
  },
  rcsf: {
    description: 'RCSF (IWQoS 2015): frequent sequential patterns over the error paths of an incident',
    defaults: RCSF_DEFAULTS,
    make: (o: Record<string, unknown>) => new RcsfLocalizer(o),
  },
  mepfl: {
    description: 'MEPFL (ESEC/FSE 2019): supervised faulty-microservice classifier on trace features, trained on fault-injection traces',
    defaults: MEPFL_DEFAULTS,
    make: (o: Record<string, unknown>) => new MepflLocalizer(o),
  },
} as const;

export type LocalizerName = keyof typeof LOCALIZERS;
export const LOCALIZER_NAMES = Object.keys(LOCALIZERS) as LocalizerName[];

/** A localiser by name with checked options; `seed` seeds the seeded ones (MEPFL) unless the options set it. */
export function createLocalizer(name: string, options: Record<string, unknown> = {}, seed?: number): Localizer {
  const entry = (LOCALIZERS as Record<string, (typeof LOCALIZERS)[LocalizerName]>)[name];
  if (entry === undefined) throw new InputError({}, `unknown localiser "${name}" (known: ${LOCALIZER_NAMES.join(', ')})`);
  checkOptions(name, entry.defaults, options);
  const seeded = seed !== undefined && 'seed' in entry.defaults && options.seed === undefined ? { ...options, seed } : options;
  return entry.make(seeded);
}
