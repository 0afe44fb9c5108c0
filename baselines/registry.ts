import type { Detector } from '../src/contracts/detector.ts';
import { InputError } from '../src/util/errors.ts';
import { CFG_DEFAULTS, CfgDetector } from './cfg/cfg.ts';
import { CPD_DEFAULTS, CpdDetector } from './cpd/cpd.ts';
import { HSTV_DEFAULTS, HstvDetector } from './hstv/hstv.ts';
import { DEFAULT_RULES } from './rules/rule-set.ts';
import { RuleDetector } from './rules/rules.ts';
import { WFG_DEFAULTS, WfgDetector } from './wfg/wfg.ts';
import { checkOptions } from './shared/options.ts';

/** The non-neural detection baselines by table name, with their default options. */
const BASELINES = {
  wfg: { defaults: WFG_DEFAULTS, make: (o: Record<string, unknown>) => new WfgDetector(o) },
  cfg: { defaults: CFG_DEFAULTS, make: (o: Record<string, unknown>) => new CfgDetector(o) },
  cpd: { defaults: CPD_DEFAULTS, make: (o: Record<string, unknown>) => new CpdDetector(o) },
  rule: { defaults: DEFAULT_RULES, make: (o: Record<string, unknown>) => new RuleDetector(o) },
  'hstv-3sigma': { defaults: HSTV_DEFAULTS, make: (o: Record<string, unknown>) => new HstvDetector(o) },
} as const;

export type BaselineName = keyof typeof BASELINES;
export const BASELINE_NAMES = Object.keys(BASELINES) as BaselineName[];

/** A baseline detector by name, with options checked against its defaults (an unknown name is an input error too). */
export function createBaseline(name: string, options: Record<string, unknown> = {}): Detector {
  const entry = (BASELINES as Record<string, (typeof BASELINES)[BaselineName]>)[name];
  if (entry === undefined) throw new InputError({}, `unknown baseline "${name}" (known: ${BASELINE_NAMES.join(', ')})`);
  checkOptions(name, entry.defaults, options);
  return entry.make(options);
}
