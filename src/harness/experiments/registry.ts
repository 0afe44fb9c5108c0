import { didYouMean } from '../../lib/util/suggest.ts';
import type { Dataset } from '../../lib/contracts/dataset.ts';
import type { Detector, FitHooks } from '../../lib/contracts/detector.ts';
import type { Localizer } from '../../lib/contracts/localizer.ts';

/** What a dataset loader is given. */
export interface DatasetContext {
  /** The cell's seed (for seeded splits and simulators; ignored by fixed datasets). */
  seed: number;
  /** The experiment's --quick form: a loader may return a smaller dataset. */
  quick: boolean;
  /** Options from the experiment definition's `datasetOptions`. */
  options: Record<string, unknown>;
  /** Where shared data lives (src/lib/util/data-root.ts). */
  dataRoot: string;
  log: (line: string) => void;
}

/** A named dataset: how to identify it without loading it, and how to load it. */
export interface DatasetEntry {
  name: string;
  description: string;
  /** Whether the data depends on the seed (a seeded split or simulator); if not, it is loaded once for all seeds. */
  seeded: boolean;
  /**
   * A string that changes whenever the data would (file hashes, generator version and preset); it goes into every
   * cell key, so that results on other data are never reused.
   */
  fingerprint(ctx: DatasetContext): Promise<string>;
  load(ctx: DatasetContext): Promise<Dataset>;
}

/** What a method factory is given. */
export interface MethodContext {
  seed: number;
  quick: boolean;
  /** The cell's options (experiment-wide options, the method's own, the grid values). */
  options: Record<string, unknown>;
}

interface MethodCommon {
  name: string;
  description: string;
  /** Bump when the algorithm's results change: it goes into cell keys, so older results are not reused. */
  version: string;
  /** The compute backend the method will use (e.g. tfjs 'tensorflow', 'wasm', 'cpu'); 'js' when absent. */
  backend?(): string | Promise<string>;
  /**
   * A rough estimate of what one cell costs, in seconds on 2 cores at the trainticket quick preset's size; only
   * ratios between methods matter: `--shard` balances shards by it (src/harness/experiments/shard.ts). 1 when absent.
   */
  cost?(ctx: MethodContext): number;
  /** Throws an InputError when a cell's options do not fit the method (unknown option, value out of range). */
  checkOptions?(options: Record<string, unknown>): void;
}

export interface DetectionMethod extends MethodCommon {
  kind: 'detection';
  create(ctx: MethodContext): Detector | Promise<Detector>;
}

export interface LocalizationMethod extends MethodCommon {
  kind: 'localization';
  create(ctx: MethodContext): Localizer | Promise<Localizer>;
}

/** What a task cell returns: numbers for tables, and larger artifacts kept in the cell file (e.g. a density grid). */
export interface TaskOutput {
  values: Record<string, number>;
  artifacts?: Record<string, unknown>;
  /** Seconds spent training and evaluating, when the task measures them itself. */
  times?: { trainSec: number; testSec: number };
}

/** Anything else an experiment computes per cell (Fig. 11's grids, scoring-time sweeps). */
export interface TaskMethod extends MethodCommon {
  kind: 'task';
  run(ctx: MethodContext & { dataset: Dataset; hooks: FitHooks }): Promise<TaskOutput>;
}

export type MethodEntry = DetectionMethod | LocalizationMethod | TaskMethod;

/** Datasets and methods by name: experiment definitions name them, the runner looks them up here. */
export class Registry {
  readonly datasets = new Map<string, DatasetEntry>();
  readonly methods = new Map<string, MethodEntry>();

  addDataset(entry: DatasetEntry): this {
    if (this.datasets.has(entry.name)) throw new Error(`dataset "${entry.name}" is registered twice`);
    this.datasets.set(entry.name, entry);
    return this;
  }

  addMethod(entry: MethodEntry): this {
    if (this.methods.has(entry.name)) throw new Error(`method "${entry.name}" is registered twice`);
    this.methods.set(entry.name, entry);
    return this;
  }

  dataset(name: string): DatasetEntry {
    const d = this.datasets.get(name);
    if (!d) throw new RegistryError(`unknown dataset "${name}"${didYouMean(name, this.datasets.keys())}; registered: ${[...this.datasets.keys()].join(', ') || 'none'}`);
    return d;
  }

  method(name: string): MethodEntry {
    const m = this.methods.get(name);
    if (!m) throw new RegistryError(`unknown method "${name}"${didYouMean(name, this.methods.keys())}; registered: ${[...this.methods.keys()].join(', ') || 'none'}`);
    return m;
  }
}

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
}
