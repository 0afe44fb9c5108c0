import { methodDefinition } from '../registry/methods.ts';
import { variantLabel, type ExperimentDef } from '../experiments/definition.ts';

/**
 * The human names reports give to what the harness calls by key: metrics, method options, datasets and methods,
 * in one table, so that chart axes, legends, titles and table headers say the same. A key without an entry
 * shows as it is.
 */

export interface MetricLabel {
  /** Axis and column title, with its unit. */
  label: string;
  /** Column header under a group, or a legend or bar label. */
  short: string;
  /** Seconds: the column is a time (src/harness/reports/compare-reports.ts leaves times out: the labels end in "(s)"). */
  seconds?: boolean;
  /** A share in [0, 1]: axes need not go below 0 or above 1. */
  share?: boolean;
}

const share = (label: string, short = label): MetricLabel => ({ label, short, share: true });
const seconds = (label: string, short: string): MetricLabel => ({ label: `${label} (s)`, short: `${short} (s)`, seconds: true });

const METRICS: Record<string, MetricLabel> = {
  precision: share('Precision', 'P'),
  recall: share('Recall', 'R'),
  f1: share('F1'),
  auprc: share('AUPRC'),
  bestF1: share('Best F1 (oracle threshold)', 'best-F1†'),
  fpr: share('False-positive rate', 'FPR'),
  trainSec: seconds('Training time', 'Train'),
  testSec: seconds('Test time', 'Test'),
  fitSharedSec: seconds('Training time shared with another cell', 'Shared train'),
  meanNormalLogPx: { label: 'Mean log p(x) of normal test traces', short: 'mean normal log p(x)' },
  cells: { label: 'Grid cells', short: 'grid cells' },
  'internal.cases': { label: 'Root causes in internal microservices', short: 'internal' },
  'internal.localized': { label: 'Internal root causes localised', short: 'internal localised' },
  'external.cases': { label: 'Root causes in external services', short: 'external' },
  'external.localized': { label: 'External root causes localised', short: 'external localised' },
};

const TYPES: Record<string, string> = { rt: 'Response time anomaly', path: 'Invocation path anomaly' };

/** The name of an anomaly type: rt and path as the paper's Table II names them. */
export const anomalyTypeLabel = (type: string): string => TYPES[type] ?? `${type} anomaly`;

/** rt and path first (the paper's order), then other types alphabetically. */
export const anomalyTypeOrder = (a: string, b: string): number => (TYPES[b] ? 1 : 0) - (TYPES[a] ? 1 : 0) || (a === 'rt' ? -1 : b === 'rt' ? 1 : a.localeCompare(b));

/** How a metric key is shown: the table above, `p@K`, `dimension.p@K`, `recallAtFprL`, `TYPE.precision`. */
export function metricLabel(key: string): MetricLabel {
  const known = METRICS[key];
  if (known) return known;
  let m = /^(dimension\.)?p@(\d+)$/.exec(key);
  if (m) return m[1] ? share(`Precision@${m[2]} (root-cause dimension)`, `P@${m[2]} (dim.)`) : share(`Precision@${m[2]}`, `P@${m[2]}`);
  m = /^recallAtFpr(.+)$/.exec(key);
  if (m) return share(`Recall at FPR ${m[1]}`, `R@FPR ${m[1]}`);
  m = /^([^.]+)\.(precision|recall)$/.exec(key);
  if (m) return share(`${anomalyTypeLabel(m[1])}: ${METRICS[m[2]].label.toLowerCase()}`, METRICS[m[2]].short);
  return { label: key, short: key, ...(key.endsWith('Sec') ? { seconds: true } : {}) };
}

const OPTIONS: Record<string, { label: string; short: string }> = {
  samples: { label: 'Importance samples L_z', short: 'L_z' },
  flowLength: { label: 'Posterior flow length K (RealNVP blocks)', short: 'K' },
  calibration: { label: 'KDE calibration source', short: 'calibration' },
  alpha: { label: 'Significance level α', short: 'α' },
  maxEpochs: { label: 'Maximum training epochs', short: 'max epochs' },
  epochs: { label: 'Training epochs', short: 'epochs' },
  testSample: { label: 'Share of the test day tested', short: 'test sample' },
};

/** How a method option is shown: `label` on an axis, `short` in a variant's name (`TraceAnomaly L_z=10`). */
export const optionLabel = (key: string): { label: string; short: string } => OPTIONS[key] ?? { label: key, short: key };

const DATASETS: Record<string, string> = {
  trainticket: 'TrainTicket (simulated)',
  'trainticket-released': 'TrainTicket (released STVs)',
  'trainticket-released-1k': 'TrainTicket (released STVs, 1k training traces)',
  'service-1': 'Service-1 (synthetic)',
  'service-2': 'Service-2 (synthetic)',
  'service-3': 'Service-3 (synthetic)',
  'service-4': 'Service-4 (synthetic)',
  'two-dim-service': '2-dimension service',
  'demo-tiny': 'Tiny demo service',
};

/** How a dataset name is shown; a dataset file of the user's shows by its name. */
export const datasetLabel = (name: string): string => DATASETS[name] ?? name;

/** The paper's name of a registry method (its definition's `label`), for a method an experiment gives no label. */
export const methodLabel = (name: string): string => methodDefinition(name)?.label ?? name;

/** The options an experiment sweeps (its grid's, and its quick form's), in grid order. */
const gridKeys = (def: ExperimentDef): string[] => [...new Set([...Object.keys(def.grid ?? {}), ...Object.keys(def.quick?.grid ?? {})])];

/**
 * How a method variant is shown: its label (the method's paper name when the experiment gives none) and the grid
 * values by the options' short names, `TraceAnomaly L_z=10` for the variant `TraceAnomaly samples=10`; `omit`
 * leaves an option out (a sweep's x). The variant itself stays in cell files and summary.json.
 */
export function variantText(def: ExperimentDef, row: { method: string; variant: string; options: Record<string, unknown> }, omit?: string): string {
  const keys = gridKeys(def).filter((k) => k in row.options);
  const suffix = variantLabel({ method: '' }, Object.fromEntries(keys.map((k) => [k, row.options[k]])));
  if (!keys.length || !row.variant.endsWith(suffix)) return row.variant === row.method ? methodLabel(row.method) : row.variant;
  const base = row.variant.slice(0, row.variant.length - suffix.length);
  const name = base === row.method ? methodLabel(base) : base;
  const shown = keys.filter((k) => k !== omit).map((k) => `${optionLabel(k).short}=${typeof row.options[k] === 'string' ? row.options[k] : JSON.stringify(row.options[k])}`);
  return [name, ...shown].join(' ');
}
