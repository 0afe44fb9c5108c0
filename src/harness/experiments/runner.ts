import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { inputIds, type Dataset } from '../../lib/contracts/dataset.ts';
import type { FitHooks } from '../../lib/contracts/detector.ts';
import type { CellResult, CellSpec } from '../../lib/contracts/experiment.ts';
import type { BackendChoice } from '../../lib/backend/backend.ts';
import { dataRoot } from '../../lib/util/data-root.ts';
import { InputError } from '../../lib/util/errors.ts';
import { Progress, formatDuration, formatMetrics } from '../../lib/util/progress.ts';
import { canonicalJson, cellKey } from './cell-key.ts';
import { CellStore } from './cell-store.ts';
import { definitionFile, experimentNameProblem, gridCombinations, methodRef, resolvePlan, variantLabel, type ExperimentDef, type ExperimentPlan } from './definition.ts';
import type { DatasetContext, DatasetEntry, MethodEntry, Registry } from './registry.ts';
import { runCell, SharedFits } from './run-cell.ts';
import { cellCost, shardCells, type Shard } from './shard.ts';
import { softwareVersions } from './versions.ts';

export interface RunOptions {
  registry: Registry;
  /** The reports folder; cells go to `<outDir>/<experiment>/cells/`. */
  outDir: string;
  quick?: boolean;
  /** Replace the definition's seeds (`--seeds 1,2,3`). */
  seeds?: number[];
  /** Replace the definition's datasets (`--dataset FILE`, registered under the file's name). */
  datasets?: string[];
  /** Where shared data lives; default as src/lib/util/data-root.ts resolves it. */
  dataRoot?: string;
  /** Recompute every cell, even finished ones. */
  fresh?: boolean;
  /** Stop at the first failing cell instead of going on with the others. */
  failFast?: boolean;
  /**
   * The tfjs backend of the methods that run on one (`--backend`), unless the experiment sets theirs: it becomes
   * their `backend` option, so it is in the cell key and the result file, and results of two backends never mix.
   */
  backend?: BackendChoice;
  log?: (line: string) => void;
  /** Where the cells' progress lines go (default stderr: on a terminal, one rewritten line). */
  progressStream?: NodeJS.WriteStream;
  /** Run only this shard's cells (src/harness/experiments/shard.ts). */
  shard?: Shard;
}

/** A cell of the run and what became of it. */
export interface CellRecord {
  spec: CellSpec;
  key: string;
  file: string;
  /** The result; null when the cell failed. */
  result: CellResult | null;
  reused: boolean;
  error?: string;
  /** Not on disk, and not run by this invocation (another shard's, or one not run yet). */
  missing?: boolean;
}

export interface RunResult {
  experiment: ExperimentDef;
  plan: ExperimentPlan;
  quick: boolean;
  /** `<outDir>/<experiment>` */
  dir: string;
  cells: CellRecord[];
  counts: { total: number; reused: number; computed: number; failed: number; notApplicable: number; missing: number };
}

interface PlannedCell {
  spec: CellSpec;
  dataset: DatasetEntry;
  method: MethodEntry;
}

/** The cells of a plan, dataset by dataset, seed by seed, then method and grid variant. Unknown names fail here. */
export function planCells(def: ExperimentDef, plan: ExperimentPlan, registry: Registry, quick: boolean, backend?: BackendChoice): PlannedCell[] {
  const cells: PlannedCell[] = [];
  const combos = gridCombinations(plan.grid);
  for (const datasetName of plan.datasets) {
    const dataset = registry.dataset(datasetName);
    for (const seed of plan.seeds) {
      for (const m of plan.methods) {
        const ref = methodRef(m);
        const method = registry.method(ref.method);
        if (method.kind !== def.kind) throw new InputError({}, `experiment ${def.name} runs ${def.kind} cells, but method ${method.name} is a ${method.kind} method`);
        // a method on a tfjs backend (it reports one) takes --backend unless the experiment chose its backend
        const backendOption = backend && method.backend && (ref.options?.backend ?? plan.options?.backend) === undefined ? { backend } : {};
        for (const combo of combos) {
          const options = { ...plan.options, ...backendOption, ...ref.options, ...combo };
          // every cell's options are checked by the method's schema before any cell runs
          try {
            method.checkOptions?.(options);
          } catch (e) {
            if (!(e instanceof InputError)) throw e;
            const file = e.location.file ?? definitionFile(def);
            throw new InputError({ ...e.location, ...(file ? { file } : {}) }, `${file ? '' : `experiment ${def.name}: `}${e.reason}`);
          }
          cells.push({
            dataset,
            method,
            spec: {
              experiment: def.name,
              kind: def.kind,
              dataset: datasetName,
              method: ref.method,
              variant: variantLabel(ref, combo),
              seed,
              options,
              datasetOptions: plan.datasetOptions?.[datasetName] ?? {},
              quick,
            },
          });
        }
      }
    }
  }
  return cells;
}

/** `<outDir>/<name>`: the folder of an experiment's cells and report; a name that could lead elsewhere is refused. */
export function experimentDir(outDir: string, def: ExperimentDef): string {
  const problem = experimentNameProblem(def.name);
  if (problem) throw new InputError({}, `experiment ${problem}`);
  return join(outDir, def.name);
}

/** A phase that ran this long gets a closing line of its own (epoch by epoch losses in a CI log); shorter ones do not. */
const CLOSING_LINE_SEC = 5;

/**
 * Shows a cell's progress on stderr, each line prefixed with `cell` (`[3/10 DeepLog*]`), one Progress per phase (`train`, `validate`, `score`, ...): on a terminal a
 * rewritten line, in logs a line every 30 s at most; when the work moves to another phase, a closing line for
 * the one it leaves if that ran for 5 s or more. A phase whose count goes back (validation, every epoch)
 * starts afresh, so its rate and ETA stay right; one whose count keeps growing (training samples) keeps its clock.
 */
export function progressHooks(stream: NodeJS.WriteStream = process.stderr, cell = ''): FitHooks & { finish(): void; warnings: string[] } {
  const prefix = `    ${cell ? `${cell} ` : ''}`;
  const warnings: string[] = [];
  const phases = new Map<string, { p: Progress; done: number; extra: string; since: number }>();
  let current: string | null = null;
  const close = () => {
    const s = current === null ? undefined : phases.get(current);
    if (!s) return;
    if ((Date.now() - s.since) / 1000 >= CLOSING_LINE_SEC) s.p.done(s.done, s.extra);
    else s.p.clear();
  };
  return {
    progress(e) {
      let s = phases.get(e.phase);
      if (current !== e.phase) {
        close();
        current = e.phase;
        if (s) s.since = Date.now();
      }
      if (!s || e.done < s.done) phases.set(e.phase, (s = { p: new Progress(`${prefix}${e.phase}`, e.total, e.unit ?? 'items', stream), done: 0, extra: '', since: Date.now() }));
      s.done = e.done;
      s.extra = formatMetrics(e.metrics);
      s.p.update(e.done, s.extra);
    },
    warn(message) {
      warnings.push(message);
      stream.write(`${prefix}warning: ${message}\n`);
    },
    finish: close,
    warnings,
  };
}

const fmt = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(3));

function describeOutcome(r: CellResult): string {
  if (r.status === 'not-applicable') return `not applicable: ${r.reason}`;
  const shared = r.times.fitSharedSec !== undefined ? ` (model of an earlier cell; own share ${formatDuration(r.times.fitSharedSec)})` : '';
  const t = `train ${formatDuration(r.times.trainSec)}${shared}, test ${formatDuration(r.times.testSec)}`;
  if (r.metrics) return `P ${fmt(r.metrics.precision)} R ${fmt(r.metrics.recall)} F1 ${fmt(r.metrics.f1)} AUPRC ${fmt(r.metrics.auprc)} (${t})`;
  if (r.ranking) return `${Object.entries(r.ranking.precisionAtK).map(([k, v]) => `P@${k} ${fmt(v ?? undefined)}`).join(' ')} over ${r.ranking.cases} cases (${t})`;
  return `${Object.entries(r.values ?? {}).slice(0, 4).map(([k, v]) => `${k} ${fmt(v)}`).join(' ')} (${t})`;
}

/** A planned cell with its content key and result file. */
interface KeyedCell extends PlannedCell {
  key: string;
  file: string;
  fingerprint: string;
  /** Identifies the loaded data (dataset, options, quick, and the seed where the data depend on it). */
  dataId: string;
  dctx: DatasetContext;
}

/** Computes the content key and file of each cell; each dataset's fingerprint once per data it loads. */
async function keyCells(def: ExperimentDef, cells: PlannedCell[], store: CellStore, root: string, quick: boolean, log: (line: string) => void): Promise<KeyedCell[]> {
  const fingerprints = new Map<string, Promise<string>>();
  const out: KeyedCell[] = [];
  for (const c of cells) {
    const { spec, dataset, method } = c;
    const dctx: DatasetContext = { seed: spec.seed, quick, options: spec.datasetOptions ?? {}, dataRoot: root, log };
    const dataId = canonicalJson({ name: dataset.name, options: dctx.options, quick, seed: dataset.seeded ? spec.seed : null });
    if (!fingerprints.has(dataId)) fingerprints.set(dataId, dataset.fingerprint(dctx));
    const fingerprint = await fingerprints.get(dataId)!;
    const key = cellKey({
      kind: def.kind,
      dataset: { name: dataset.name, options: dctx.options, fingerprint },
      method: { name: method.name, version: method.version, options: spec.options },
      seed: spec.seed,
      quick,
    });
    out.push({ ...c, key, file: store.path(spec.method, spec.dataset, spec.seed, key), fingerprint, dataId, dctx });
  }
  return out;
}

/** What every invocation on an experiment shares: its plan, cells and store. */
function prepare(def: ExperimentDef, opts: RunOptions) {
  const quick = opts.quick ?? false;
  const plan = resolvePlan(def, { quick, ...(opts.seeds ? { seeds: opts.seeds } : {}), ...(opts.datasets ? { datasets: opts.datasets } : {}) });
  const cells = planCells(def, plan, opts.registry, quick, opts.backend);
  const dir = experimentDir(opts.outDir, def);
  return { quick, plan, cells, dir, store: new CellStore(join(dir, 'cells')), root: dataRoot(opts.dataRoot), log: opts.log ?? ((l: string) => process.stderr.write(`${l}\n`)) };
}

/**
 * The time an experiment has left: the seconds its finished cells took per unit of their estimated cost (a
 * method's `cost`, src/harness/experiments/shard.ts: rule-based cells cost little, trained models much), times the cost
 * of the cells still to compute. Unknown (null) until a cell has finished.
 */
export class ExperimentEta {
  private sec = 0;
  private cost = 0;
  finishedCells = 0;
  constructor(private remainingCost: number) {}

  finished(cost: number, sec: number): void {
    this.sec += sec;
    this.cost += cost;
    this.remainingCost = Math.max(0, this.remainingCost - cost);
    this.finishedCells++;
  }

  remainingSec(): number | null {
    return this.finishedCells === 0 || this.cost === 0 ? null : (this.sec / this.cost) * this.remainingCost;
  }
}

/**
 * The size of what a cell trained and was tested on: rows, and the test rows by label. The labels are counted
 * over the test rows only: a test sample (testSample) keeps the whole day's labels beside the sampled traces.
 */
export function dataSizes(data: Dataset): { trainRows: number; testRows: number; testAnomalies: number; testNormals: number } {
  const ids = inputIds(data.test);
  const labels = ids.map((id) => data.test.labels?.get(id)?.label);
  return {
    trainRows: inputIds(data.train).length,
    testRows: ids.length,
    testAnomalies: labels.filter((l) => l === 1).length,
    testNormals: labels.filter((l) => l === 0).length,
  };
}

const noCounts = (total: number): RunResult['counts'] => ({ total, reused: 0, computed: 0, failed: 0, notApplicable: 0, missing: 0 });

/**
 * Runs an experiment's cells (or, with `shard`, only that shard's: src/harness/experiments/shard.ts). A cell whose result
 * file exists with the same content key is reused (and logged as such); every other cell is computed and written
 * at once, atomically, so a killed run loses only the cell it was in.
 */
export async function runExperiment(def: ExperimentDef, opts: RunOptions): Promise<RunResult> {
  const { quick, plan, cells: all, dir, store, root, log } = prepare(def, opts);
  const mine = opts.shard ? shardCells(all.map((c) => cellCost(c.method, c.spec, quick)), opts.shard) : all.map((_, i) => i);
  const cells = mine.map((i) => all[i]);
  const removed = await store.cleanPartial();
  if (removed > 0) log(`removed ${removed} partial cell file(s) of an interrupted run`);
  const versions = softwareVersions();
  log(`experiment ${def.name}${quick ? ' (quick)' : ''}: ${all.length} cells (${plan.datasets.length} dataset(s) x ${plan.seeds.length} seed(s) x ${all.length / (plan.datasets.length * plan.seeds.length)} method variant(s)) -> ${dir}`);
  if (opts.shard) log(`shard ${opts.shard.index}/${opts.shard.count}: ${cells.length} of the ${all.length} cells (${mine.map((i) => i + 1).join(', ') || 'none'})`);

  const keyed = await keyCells(def, cells, store, root, quick, log);
  let loaded: { id: string; data: Promise<Dataset> } | null = null;
  const records: CellRecord[] = [];
  const fits = new SharedFits();
  const counts = noCounts(cells.length);
  // the cells whose file is there will most likely be reused: the experiment's ETA counts the others
  const costs = keyed.map((c) => cellCost(c.method, c.spec, quick));
  const eta = new ExperimentEta(costs.reduce((sum, c, i) => sum + (!opts.fresh && existsSync(keyed[i].file) ? 0 : c), 0));

  for (let i = 0; i < keyed.length; i++) {
    const { spec, dataset, method, key, file, fingerprint, dataId, dctx } = keyed[i];
    const position = `${i + 1}/${keyed.length}`;
    const tag = `[${position}] ${spec.variant} on ${spec.dataset}, seed ${spec.seed}`;
    const found = opts.fresh ? null : await store.find(file, key);
    if (found) {
      counts.reused++;
      if (found.status === 'not-applicable') counts.notApplicable++;
      log(`${tag}: reused ${file}`);
      records.push({ spec, key, file, result: { ...found, spec }, reused: true });
      continue;
    }
    // the header comes when the cell starts, so that what follows (loading, progress) is read as this cell's
    const started = Date.now();
    const remaining = eta.remainingSec();
    log(`${tag}${remaining === null ? '' : ` (experiment ETA ${formatDuration(remaining)}, from ${eta.finishedCells} finished cell${eta.finishedCells === 1 ? '' : 's'})`}`);
    if (loaded === null || loaded.id !== dataId) {
      log(`    loading dataset ${dataset.name}${dataset.seeded ? ` (seed ${spec.seed})` : ''}`);
      loaded = { id: dataId, data: dataset.load(dctx) };
    }
    const data = await loaded.data; // bad input fails the run: the user has to fix the data
    const hooks = progressHooks(opts.progressStream, `[${position} ${spec.variant}]`);
    try {
      const outcome = await runCell(method, { seed: spec.seed, quick, options: spec.options }, data, hooks, def.report.ks, { fits, dataId: `${dataId}/${fingerprint}` }).finally(() => hooks.finish());
      const result: CellResult = {
        format: 'traceanomaly-cell',
        spec,
        key,
        ...outcome,
        ...(hooks.warnings.length > 0 ? { warnings: hooks.warnings } : {}),
        data: { ...dataSizes(data), fingerprint },
        backend: (await method.backend?.()) ?? 'js',
        versions,
        createdAt: new Date().toISOString(),
      };
      await store.write(file, result);
      counts.computed++;
      if (result.status === 'not-applicable') counts.notApplicable++;
      log(`${tag}: ${describeOutcome(result)}`);
      records.push({ spec, key, file, result, reused: false });
    } catch (e) {
      if (opts.failFast || e instanceof InputError) throw e;
      counts.failed++;
      const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
      log(`${tag}: FAILED: ${e instanceof Error ? e.message : String(e)}`);
      records.push({ spec, key, file, result: null, reused: false, error });
    } finally {
      eta.finished(costs[i], (Date.now() - started) / 1000);
    }
  }
  log(`experiment ${def.name}${opts.shard ? ` shard ${opts.shard.index}/${opts.shard.count}` : ''}: ${counts.total} cells, ${counts.reused} reused, ${counts.computed} computed, ${counts.failed} failed${counts.notApplicable ? `, ${counts.notApplicable} not applicable` : ''}`);
  return { experiment: def, plan, quick, dir, cells: records, counts };
}

/**
 * The cells a report shows, read from disk: every cell of the plan (a record without a result, \`missing\`, for each
 * one not on disk), and the cells of other seeds that match the plan in everything else and have a valid key (another
 * run into the same folder, \`--seeds 4-6\` after \`--seeds 1-3\`, or concurrently). So every run and shard into one
 * folder adds to one report, and none loses another's finished cells. Seeds are in ascending order. \`ran\`: this
 * invocation's run, if it ran cells (for the counts, and the errors of cells that failed in it).
 */
export async function collectCells(def: ExperimentDef, opts: RunOptions, ran?: RunResult): Promise<RunResult> {
  const { quick, plan, cells: planned, dir, store, root, log } = prepare(def, opts);
  const names = await store.list();
  const seeds = new Set(plan.seeds);
  for (const c of planned) for (const seed of store.seedsIn(names, c.spec.method, c.spec.dataset)) seeds.add(seed);
  const all = [...seeds].sort((a, b) => a - b);
  const wanted = new Set(planned.map((c) => canonicalJson(c.spec)));
  const cells = planCells(def, { ...plan, seeds: all }, opts.registry, quick, opts.backend);
  const keyed = await keyCells(def, cells, store, root, quick, log);
  const thisRun = new Map((ran?.cells ?? []).map((c) => [c.key, c]));
  const records: CellRecord[] = [];
  const counts = noCounts(0);
  for (const { spec, key, file } of keyed) {
    const found = await store.find(file, key);
    const inPlan = wanted.has(canonicalJson(spec));
    if (!found && !inPlan) continue;
    const mine = thisRun.get(key);
    counts.total++;
    if (found) {
      const computed = mine !== undefined && !mine.reused && mine.result !== null;
      counts[computed ? 'computed' : 'reused']++;
      if (found.status === 'not-applicable') counts.notApplicable++;
      records.push({ spec, key, file, result: { ...found, spec }, reused: !computed });
    } else if (mine?.error !== undefined) {
      counts.failed++;
      records.push({ spec, key, file, result: null, reused: false, error: mine.error });
    } else {
      counts.missing++;
      records.push({ spec, key, file, result: null, reused: false, missing: true });
    }
  }
  return { experiment: def, plan: { ...plan, seeds: [...new Set(records.map((r) => r.spec.seed))] }, quick, dir, cells: records, counts };
}
