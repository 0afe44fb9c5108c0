import type { Detector } from '../src/contracts/detector.ts';
import { InputError } from '../src/util/errors.ts';
import { CFG_DEFAULTS, CfgDetector } from './cfg/cfg.ts';
import { CPD_DEFAULTS, CpdDetector } from './cpd/cpd.ts';
import { HSTV_DEFAULTS, HstvDetector } from './hstv/hstv.ts';
import { DEFAULT_RULES } from './rules/rule-set.ts';
import { RuleDetector } from './rules/rules.ts';
import { WFG_DEFAULTS, WfgDetector } from './wfg/wfg.ts';

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

/**
 * A baseline detector by name, with options checked against its defaults: an unknown name or option, or a
 * value of another type than the default's, is an input error (a typo in an experiment file must not run
 * silently with defaults).
 */
export function createBaseline(name: string, options: Record<string, unknown> = {}): Detector {
  const entry = (BASELINES as Record<string, (typeof BASELINES)[BaselineName]>)[name];
  if (entry === undefined) throw new InputError({}, `unknown baseline "${name}" (known: ${BASELINE_NAMES.join(', ')})`);
  const defaults = entry.defaults as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(options)) {
    if (!(k in defaults)) throw new InputError({}, `${name}: unknown option "${k}" (options: ${Object.keys(defaults).join(', ')})`);
    const d = defaults[k];
    if (Array.isArray(d) ? !Array.isArray(v) : typeof v !== typeof d) throw new InputError({}, `${name}: option "${k}" must be ${Array.isArray(d) ? 'an array' : `a ${typeof d}`}`);
  }
  return entry.make(options);
}
