import type { CellKind } from '../../lib/contracts/experiment.ts';
import { InputError } from '../../lib/util/errors.ts';

/** A method in an experiment: a registry name, with options and a table label. */
export interface MethodRef {
  method: string;
  /** Row label in tables; default: the method name (plus the grid values). */
  label?: string;
  options?: Record<string, unknown>;
}

/** How an experiment's results are laid out (see src/harness/reports/). */
export interface ReportDef {
  /**
   * - `detection`: paper Table II, one table per dataset: overall P/R/F1, AUPRC, best-F1 (oracle), P/R per type, times;
   * - `by-dataset`: paper Tables III and VI, one row per method, P/R per dataset;
   * - `ranking`: paper Table IV, Precision@K (by service, and by dimension where a method names call paths);
   * - `root-causes`: paper Table V, internal / external root causes and how many were localised;
   * - `sweep`: an ablation, metrics against one grid option;
   * - `values`: the numbers task cells report.
   */
  layout: 'detection' | 'by-dataset' | 'ranking' | 'root-causes' | 'sweep' | 'values';
  /** The paper table to show side by side, and how our names map to the paper's row and column names. */
  paper?: { table: string; methods?: Record<string, string>; datasets?: Record<string, string> };
  /** For `sweep`: the grid option on the x axis (default: the grid's option when it has one), and the metrics to plot (default f1, auprc). */
  x?: string;
  metrics?: string[];
  /** K values for `ranking` (default 1, 2, 3). */
  ks?: number[];
}

/** The parts of a definition that its --quick form may replace. */
export interface ExperimentPlan {
  datasets: string[];
  methods: (string | MethodRef)[];
  seeds: number[];
  /** Options given to every method. */
  options?: Record<string, unknown>;
  /** Options per dataset name, given to its loader. */
  datasetOptions?: Record<string, Record<string, unknown>>;
  /** Option sweeps: every combination of these values is one variant of every method. */
  grid?: Record<string, unknown[]>;
}

/** An experiment as data: datasets x methods x seeds x options, and how to report it (in a file, `report` may be left out: see withDefaultLayout). */
export interface ExperimentDef extends ExperimentPlan {
  name: string;
  title: string;
  description?: string;
  kind: CellKind;
  report: ReportDef;
  /** Replacements for the --quick form (a few seconds to minutes). */
  quick?: Partial<ExperimentPlan>;
}

const KINDS: readonly CellKind[] = ['detection', 'localization', 'task'];
const LAYOUTS: readonly ReportDef['layout'][] = ['detection', 'by-dataset', 'ranking', 'root-causes', 'sweep', 'values'];

/**
 * What an experiment may be called: its name is the folder of its report under `--out` (and a Slurm job name),
 * so only letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100 characters: no '/',
 * no '..', nothing that could write outside `--out`.
 */
const EXPERIMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Why a name cannot name an experiment, or null when it can. */
export function experimentNameProblem(name: string): string | null {
  return EXPERIMENT_NAME.test(name) ? null : `"name" must be letters, digits, '.', '_' or '-', starting with a letter or digit, at most 100 characters (it names the report folder), found ${JSON.stringify(name)}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a parsed experiment file; `file` names it in errors. */
/** The file each validated definition came from (kept apart, so that it never enters a cell key). */
const DEFINITION_FILES = new WeakMap<ExperimentDef, string>();
export const definitionFile = (def: ExperimentDef): string | undefined => DEFINITION_FILES.get(def);

export function validateExperiment(raw: unknown, file: string): ExperimentDef {
  const fail = (why: string): never => {
    throw new InputError({ file }, why);
  };
  if (!isObject(raw)) return fail('an experiment is a JSON object');
  for (const k of ['name', 'title'] as const) if (typeof raw[k] !== 'string' || raw[k] === '') fail(`"${k}" must be a non-empty string`);
  const nameProblem = experimentNameProblem(raw.name as string);
  if (nameProblem) fail(nameProblem);
  if (!KINDS.includes(raw.kind as CellKind)) fail(`"kind" must be one of ${KINDS.join(', ')}`);
  if (raw.report !== undefined && !isObject(raw.report)) fail('"report" must be an object');
  checkPlan(raw, fail, false);
  const report = withDefaultLayout(raw.kind as CellKind, (raw.report ?? {}) as Record<string, unknown>, raw.grid as Record<string, unknown[]> | undefined);
  if (!LAYOUTS.includes(report.layout as ReportDef['layout'])) fail(`"report.layout" must be one of ${LAYOUTS.join(', ')}`);
  if (report.layout === 'sweep' && typeof report.x !== 'string') fail('"report.x" must name the grid option a sweep plots');
  if (raw.quick !== undefined) {
    if (!isObject(raw.quick)) fail('"quick" must be an object');
    checkPlan(raw.quick as Record<string, unknown>, (why) => fail(`quick: ${why}`), true);
  }
  const known = new Set(['name', 'title', 'description', 'kind', 'report', 'quick', 'datasets', 'methods', 'seeds', 'options', 'datasetOptions', 'grid', '$schema', 'comment']);
  for (const k of Object.keys(raw)) if (!known.has(k)) fail(`unknown field "${k}"`);
  const def = { ...raw, report } as unknown as ExperimentDef;
  DEFINITION_FILES.set(def, file);
  return def;
}

/**
 * A report without a layout gets its kind's: `detection` (or `sweep` over the grid's option when the grid has
 * exactly one, with numbers for values), `ranking` for localization, `values` for tasks; a sweep without `x`
 * plots the grid's one option.
 */
function withDefaultLayout(kind: CellKind, report: Record<string, unknown>, grid: Record<string, unknown[]> | undefined): Record<string, unknown> {
  const swept = Object.entries(grid ?? {});
  const one = swept.length === 1 && swept[0][1].every((v) => typeof v === 'number') ? swept[0][0] : undefined;
  const layout = report.layout ?? (kind === 'localization' ? 'ranking' : kind === 'task' ? 'values' : one ? 'sweep' : 'detection');
  return { ...report, layout, ...(layout === 'sweep' && report.x === undefined && one ? { x: one } : {}) };
}

function checkPlan(p: Record<string, unknown>, fail: (why: string) => never, partial: boolean): void {
  const need = (k: string) => !partial || p[k] !== undefined;
  if (need('datasets') && (!Array.isArray(p.datasets) || p.datasets.length === 0 || !p.datasets.every((d) => typeof d === 'string'))) fail('"datasets" must be a non-empty list of dataset names');
  if (need('methods')) {
    if (!Array.isArray(p.methods) || p.methods.length === 0) fail('"methods" must be a non-empty list');
    for (const m of p.methods as unknown[]) {
      if (typeof m === 'string') continue;
      if (!isObject(m) || typeof m.method !== 'string') return fail('a method is a name or {"method", "label"?, "options"?}');
      if (m.options !== undefined && !isObject(m.options)) fail(`options of ${m.method} must be an object`);
      if (m.label !== undefined && typeof m.label !== 'string') fail(`label of ${m.method} must be a string`);
    }
  }
  if (need('seeds') && (!Array.isArray(p.seeds) || p.seeds.length === 0 || !p.seeds.every((s) => Number.isInteger(s)))) fail('"seeds" must be a non-empty list of integers');
  if (p.options !== undefined && !isObject(p.options)) fail('"options" must be an object');
  if (p.datasetOptions !== undefined && (!isObject(p.datasetOptions) || !Object.values(p.datasetOptions).every(isObject))) fail('"datasetOptions" maps dataset names to option objects');
  if (p.grid !== undefined && (!isObject(p.grid) || !Object.values(p.grid).every((v) => Array.isArray(v) && v.length > 0))) fail('"grid" maps option names to non-empty lists of values');
}

/** The plan an invocation runs: the definition, or its --quick form, with --seeds and --dataset applied. */
export function resolvePlan(def: ExperimentDef, opts: { quick?: boolean; seeds?: number[]; datasets?: string[] } = {}): ExperimentPlan {
  const plan: ExperimentPlan = { ...def, ...(opts.quick ? def.quick : {}) };
  if (opts.seeds) plan.seeds = opts.seeds;
  if (opts.datasets) plan.datasets = opts.datasets;
  return plan;
}

/** Every combination of the grid's values, in order (the last option varies fastest); one empty combination without a grid. */
export function gridCombinations(grid: Record<string, unknown[]> | undefined): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const [k, values] of Object.entries(grid ?? {})) out = out.flatMap((c) => values.map((v) => ({ ...c, [k]: v })));
  return out;
}

export const methodRef = (m: string | MethodRef): MethodRef => (typeof m === 'string' ? { method: m } : m);

/** Table label of a method with grid values, e.g. `traceanomaly K=5`. */
export function variantLabel(ref: MethodRef, combo: Record<string, unknown>): string {
  const base = ref.label ?? ref.method;
  const extra = Object.entries(combo).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return extra.length ? `${base} ${extra.join(' ')}` : base;
}
