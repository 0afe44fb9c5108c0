import type { Detector } from './detector.ts';
import type { Localizer } from './localizer.ts';
import type { OptionSchema, OptionsOf } from '../options/schema.ts';
import type { DecisionRule } from '../decision/threshold.ts';

/**
 * Everything the harness needs to know about a method, declared once in the method's own folder (its `index.ts`
 * exports it as `method`): the harness's registry is the list of these (src/harness/registry/methods.ts).
 * Like a scikit-learn estimator, `create` does no work: it builds the detector or localiser with checked options.
 */
interface MethodCommon<S extends OptionSchema> {
  /** The name in experiment files, cell files and tables, e.g. 'traceanomaly', 'hstv-3sigma'. */
  name: string;
  /** How reports show it (the paper's name), e.g. 'TraceAnomaly', 'HSTV 3σ'. */
  label: string;
  /** One line for `traceanomaly experiment --list` and the docs. */
  description: string;
  /**
   * Bump when the method's results change: it goes into every cell key, so that cached cells of an earlier
   * version are not reused.
   */
  version: string;
  /** Every option with its type, range, default and description (src/lib/options/schema.ts). */
  options: S;
  /**
   * Whether the method is random: the experiment cell's seed then becomes its `seed` option (an option set in the
   * experiment file does not override the cell's seed; seeds are what `--seeds` varies).
   */
  seeded: boolean;
  /** Whether the method computes with tfjs (cells then record the backend in use). */
  tfjs?: boolean;
  /**
   * A rough cost of one cell in seconds on 2 cores at the trainticket quick preset's size; only ratios matter
   * (`--shard` balances by it). Given the method's complete options.
   */
  cost?(options: OptionsOf<S>): number;
}

export interface DetectionMethodDefinition<S extends OptionSchema = OptionSchema> extends MethodCommon<S> {
  kind: 'detection';
  /** Which of the library's decision rules `decide` applies (src/lib/decision/threshold.ts). */
  decision: DecisionRule;
  create(options: OptionsOf<S>): Detector;
}

export interface LocalizationMethodDefinition<S extends OptionSchema = OptionSchema> extends MethodCommon<S> {
  kind: 'localization';
  create(options: OptionsOf<S>): Localizer;
}

export type MethodDefinition = DetectionMethodDefinition | LocalizationMethodDefinition;

/** Declares a method (a typed identity: the options `create` gets are the schema's). */
export function detectionMethod<S extends OptionSchema>(m: DetectionMethodDefinition<S>): DetectionMethodDefinition {
  return m as unknown as DetectionMethodDefinition;
}

export function localizationMethod<S extends OptionSchema>(m: LocalizationMethodDefinition<S>): LocalizationMethodDefinition {
  return m as unknown as LocalizationMethodDefinition;
}
