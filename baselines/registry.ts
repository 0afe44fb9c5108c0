import type { Detector } from '../src/contracts/detector.ts';
import { InputError } from '../src/util/errors.ts';
import { CFG_DEFAULTS, CfgDetector } from './cfg/cfg.ts';
import { DEEPLOG_DEFAULTS, DeepLogDetector } from './deeplog/deeplog.ts';
import { AEVB_DEFAULTS, AevbDetector } from './aevb/aevb.ts';
import { OMNI_DEFAULTS, OmniAnomalyDetector } from './omnianomaly/omnianomaly.ts';
import { MULTIMODAL_DEFAULTS, MultimodalLstmDetector } from './multimodal-lstm/multimodal.ts';
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

/**
 * The neural detection baselines (tfjs, the `backend` option): seeded, so `seed` (the experiment cell's) is
 * passed apart from the options and wins over an option of that name.
 */
const NEURAL_BASELINES = {
  aevb: { defaults: AEVB_DEFAULTS, make: (o: Record<string, unknown>, seed?: number) => new AevbDetector(seed === undefined ? o : { ...o, seed }) },
  omnianomaly: { defaults: OMNI_DEFAULTS, make: (o: Record<string, unknown>, seed?: number) => new OmniAnomalyDetector(seed === undefined ? o : { ...o, seed }) },
  deeplog: { defaults: DEEPLOG_DEFAULTS, make: (o: Record<string, unknown>, seed?: number) => new DeepLogDetector(seed === undefined ? o : { ...o, seed }) },
  'multimodal-lstm': { defaults: MULTIMODAL_DEFAULTS, make: (o: Record<string, unknown>, seed?: number) => new MultimodalLstmDetector(seed === undefined ? o : { ...o, seed }) },
} as const;

export type BaselineName = keyof typeof BASELINES;
export const BASELINE_NAMES = Object.keys(BASELINES) as BaselineName[];
export type NeuralBaselineName = keyof typeof NEURAL_BASELINES;
export const NEURAL_BASELINE_NAMES = Object.keys(NEURAL_BASELINES) as NeuralBaselineName[];

/**
 * A baseline detector by name (non-neural or neural), with options checked against its defaults (an unknown name
 * is an input error too). `seed` seeds the neural ones; the others are deterministic and ignore it.
 */
export function createBaseline(name: string, options: Record<string, unknown> = {}, seed?: number): Detector {
  const neural = (NEURAL_BASELINES as Record<string, (typeof NEURAL_BASELINES)[NeuralBaselineName]>)[name];
  if (neural !== undefined) {
    checkOptions(name, neural.defaults, options);
    return neural.make(options, seed);
  }
  const entry = (BASELINES as Record<string, (typeof BASELINES)[BaselineName]>)[name];
  if (entry === undefined) throw new InputError({}, `unknown baseline "${name}" (known: ${[...BASELINE_NAMES, ...NEURAL_BASELINE_NAMES].join(', ')})`);
  checkOptions(name, entry.defaults, options);
  return entry.make(options);
}
