import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../../lib/util/data-root.ts';
import { InputError } from '../../lib/util/errors.ts';
import { oneOf, parseCommand, UsageError } from './args.ts';
import type { RunOptions } from '../experiments/runner.ts';
import { resolvePlan } from '../experiments/definition.ts';
import { parseShard } from '../experiments/shard.ts';
import { shellWord, slurmResources, submitCommands, submitSlurm, writeSlurmScripts, type SlurmJob } from './slurm.ts';

/** The options that only --slurm takes. */
const SLURM_OPTIONS = ['shards', 'partition', 'time', 'cpus', 'mem', 'gpus', 'submit'] as const;

export const EXPERIMENT_USAGE = `traceanomaly experiment NAME [--quick] [--seeds 1,2,3] [--dataset FILE]... [--out DIR] [--data DIR]
                        [--backend B] [--fresh] [--fail-fast] [--shard I/N | --report-only]
traceanomaly experiment NAME [options as above] --slurm [--shards N] [--partition P] [--time T] [--cpus C]
                        [--mem M] [--gpus G] [--submit]
traceanomaly experiment --list
  Runs an experiment (experiments/NAME.json, or a definition file NAME.json) cell by cell: dataset x method x
  seed x options. Each finished cell is written at once to DIR/NAME/cells/ (default DIR: reports); a rerun
  reuses every cell whose content key (data, method version, options, seed) is unchanged, so a killed run
  resumes where it stopped. Then it writes DIR/NAME/summary.json, tables.md, table CSVs, charts (.vl.json,
  .svg, .png) and index.html, and rebuilds DIR/index.html.
  --quick        the experiment's quick form (smaller data, fewer seeds)
  --seeds LIST   seeds to run, e.g. 1,2,3 or 1-5; tables show mean ± std over them
  --dataset FILE run on the dataset a dataset file describes instead of the experiment's datasets (repeatable)
  --data DIR     where shared datasets live (default: $TRACEANOMALY_DATA, ../shared/datasets, datasets/data)
  --backend B    backend of the methods that use one (auto, tensorflow-gpu, tensorflow, onnx, wasm, cpu), unless
                 the experiment sets theirs; it is part of their options, so cells of two backends never mix
  --fresh        recompute every cell
  --fail-fast    stop at the first failing cell (default: go on, report it, exit 1)
  --shard I/N    run only shard I of N (1 <= I <= N) and write no report: a fixed partition of the cells,
                 balanced by each method's estimated cost; shards may run at once, on many hosts, into one --out
  --report-only  compute nothing: write the report from the cells on disk, name each cell still missing, and
                 exit 1 if one is (the merge after --shard runs)
  --slurm        write DIR/NAME/slurm/array.sbatch (a Slurm job array: task I runs --shard I/N) and merge.sbatch
                 (--report-only), and print how to submit them; --submit submits both with sbatch, the merge with
                 --dependency=afterok on the array, and prints the job ids
  --shards N     array tasks (default: one per cell); --partition, --time (e.g. 2:00:00), --cpus (per task, 2),
                 --mem (e.g. 8G), --gpus (per array task, e.g. 1 or a100:1): what each job asks Slurm for
  The report of a run or --report-only holds every cell of the experiment on disk that matches its options
  (other --seeds too), so runs and shards into one --out add up to one report. See docs/cluster.md.`;

/** `1,2,3`, `1-5` or a mix. */
export function parseSeeds(text: string): number[] {
  const seeds: number[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const range = /^(-?\d+)-(-?\d+)$/.exec(part);
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])];
      if (b < a || b - a > 10_000) throw new UsageError(`--seeds: bad range ${part}`);
      for (let s = a; s <= b; s++) seeds.push(s);
    } else if (/^-?\d+$/.test(part)) seeds.push(Number(part));
    else throw new UsageError(`--seeds must be integers such as 1,2,3 or 1-5, found "${part}"`);
  }
  if (seeds.length === 0) throw new UsageError('--seeds is empty');
  return [...new Set(seeds)];
}

export async function experimentCommand(args: string[]): Promise<number> {
  const { values: o, positionals } = parseCommand(
    args,
    {
      quick: { type: 'boolean' },
      seeds: { type: 'string' },
      dataset: { type: 'string', multiple: true },
      out: { type: 'string' },
      data: { type: 'string' },
      fresh: { type: 'boolean' },
      'fail-fast': { type: 'boolean' },
      backend: { type: 'string' },
      list: { type: 'boolean' },
      shard: { type: 'string' },
      'report-only': { type: 'boolean' },
      slurm: { type: 'boolean' },
      submit: { type: 'boolean' },
      shards: { type: 'string' },
      partition: { type: 'string' },
      time: { type: 'string' },
      cpus: { type: 'string' },
      mem: { type: 'string' },
      gpus: { type: 'string' },
    },
    1,
  );
  if (o.help) {
    console.log(EXPERIMENT_USAGE);
    return 0;
  }
  const shard = o.shard === undefined ? undefined : parseShard(o.shard);
  if (typeof shard === 'string') throw new UsageError(shard);
  if (o['report-only'] && (shard || o.fresh || o['fail-fast'])) throw new UsageError(`--report-only computes nothing: it takes no ${shard ? '--shard' : o.fresh ? '--fresh' : '--fail-fast'}`);
  const slurmOnly = SLURM_OPTIONS.find((k) => o[k] !== undefined);
  if (slurmOnly && !o.slurm) throw new UsageError(`--${slurmOnly} goes with --slurm`);
  if (o.slurm && (shard || o['report-only'] || o.fresh)) throw new UsageError(`--slurm writes jobs that run the shards and the merge: it takes no ${shard ? '--shard' : o['report-only'] ? '--report-only' : '--fresh (each resubmission would recompute finished cells; remove DIR/NAME/cells instead)'}`);
  const resources = o.slurm ? slurmResources(o) : {};
  const shards = o.shards === undefined ? undefined : /^[1-9]\d{0,4}$/.test(o.shards) ? Number(o.shards) : undefined;
  if (o.shards !== undefined && shards === undefined) throw new UsageError(`--shards must be a number of array tasks (1 to 99999), found "${o.shards}"`);
  // loaded here, not at start-up: the methods (tfjs) and the chart renderer (vega) are heavy for the other commands
  const [{ builtinRegistry }, { experimentNames, loadExperiment }, { datasetEntryFromFile }, { RegistryError }, { runExperiment, planCells, experimentDir }, { writeReportFromDisk }, { BACKEND_CHOICES }] = await Promise.all([
    import('../experiments/builtins.ts'),
    import('../experiments/catalog.ts'),
    import('../experiments/dataset-file.ts'),
    import('../experiments/registry.ts'),
    import('../experiments/runner.ts'),
    import('../reports/write-report.ts'),
    import('../../lib/backend/backend.ts'),
  ]);
  const backend = o.backend === undefined ? undefined : oneOf(o.backend, 'backend', BACKEND_CHOICES, 'auto');
  const registry = builtinRegistry();
  if (o.list) {
    for (const name of await experimentNames()) {
      const def = await loadExperiment(name);
      console.log(`${name.padEnd(24)} ${def.title}`);
    }
    console.log(`\ndatasets: ${[...registry.datasets.keys()].join(', ')}\nmethods:  ${[...registry.methods.keys()].join(', ')}`);
    return 0;
  }
  const name = positionals[0];
  if (name === undefined) throw new UsageError('missing experiment NAME (traceanomaly experiment --list shows them)');
  const def = await loadExperiment(name);
  const datasets: string[] = [];
  for (const file of o.dataset ?? []) {
    const entry = await datasetEntryFromFile(file);
    if (registry.datasets.has(entry.name)) throw new InputError({ file }, `dataset name "${entry.name}" is already taken by a built-in dataset; give the file another "name"`);
    registry.addDataset(entry);
    datasets.push(entry.name);
  }
  const outDir = resolve(o.out ?? resolve(PROJECT_ROOT, 'reports'));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const runOptions: RunOptions = {
    registry,
    outDir,
    quick: Boolean(o.quick),
    ...(o.seeds !== undefined ? { seeds: parseSeeds(o.seeds) } : {}),
    ...(datasets.length ? { datasets } : {}),
    ...(o.data !== undefined ? { dataRoot: o.data } : {}),
    fresh: Boolean(o.fresh),
    failFast: Boolean(o['fail-fast']),
    ...(backend ? { backend } : {}),
    ...(shard ? { shard } : {}),
    log,
  };
  const reportLine = (dir: string) => log(`report: ${dir}/index.html, summary: ${dir}/summary.json; all reports: ${resolve(outDir, 'index.html')}`);
  try {
    if (o.slurm) {
      const plan = resolvePlan(def, { quick: Boolean(o.quick), ...(runOptions.seeds ? { seeds: runOptions.seeds } : {}), ...(datasets.length ? { datasets } : {}) });
      const cells = planCells(def, plan, registry, Boolean(o.quick), backend).length;
      const n = Math.min(shards ?? cells, cells);
      if (shards !== undefined && shards > cells) log(`--shards ${shards}: the experiment has ${cells} cells, so ${cells} array tasks`);
      const job: SlurmJob = {
        name: def.name,
        args: [
          name.endsWith('.json') ? resolve(name) : name,
          ...(o.quick ? ['--quick'] : []),
          ...(o.seeds !== undefined ? ['--seeds', o.seeds] : []),
          ...(o.dataset ?? []).flatMap((f) => ['--dataset', resolve(f)]),
          '--out',
          outDir,
          ...(o.data !== undefined ? ['--data', resolve(o.data)] : []),
          ...(backend ? ['--backend', backend] : []),
          ...(o['fail-fast'] ? ['--fail-fast'] : []),
        ],
        shards: n,
        resources,
        dir: join(experimentDir(outDir, def), 'slurm'),
        projectRoot: PROJECT_ROOT,
        node: process.execPath,
        origin: ['traceanomaly', 'experiment', ...args].map(shellWord).join(' '),
      };
      const paths = await writeSlurmScripts(job);
      log(`wrote ${paths.array} (a job array of ${n} task(s), ${cells} cells) and ${paths.merge} (the merge)`);
      if (!o.submit) {
        log(`submit them with --submit, or by hand:\n  ${submitCommands(paths).join('\n  ')}`);
        return 0;
      }
      const ids = submitSlurm(paths);
      console.log(`array job ${ids.array}\nmerge job ${ids.merge}`);
      log(`submitted: array job ${ids.array} (${n} tasks), merge job ${ids.merge} (afterok:${ids.array}); logs in ${join(job.dir, 'logs')}; squeue -j ${ids.array},${ids.merge}`);
      return 0;
    }
    if (o['report-only']) {
      const { report, view } = await writeReportFromDisk(def, runOptions, undefined, log);
      const missing = view.cells.filter((c) => c.missing);
      for (const c of missing) log(`missing: ${c.spec.variant} on ${c.spec.dataset}, seed ${c.spec.seed} (${c.file})`);
      log(`experiment ${def.name}: ${view.counts.total} cells on disk or planned, ${view.counts.total - view.counts.missing} found, ${view.counts.missing} missing`);
      reportLine(report.dir);
      if (missing.length) log(`${missing.length} cell(s) missing: run the experiment (or the shards that did not finish) with the same options, then --report-only again`);
      return missing.length ? 1 : 0;
    }
    const run = await runExperiment(def, runOptions);
    if (shard) {
      log(`shard ${shard.index}/${shard.count} done; when every shard is, the same command with --report-only instead of --shard writes the report`);
    } else reportLine((await writeReportFromDisk(def, runOptions, run, log)).report.dir);
    return run.counts.failed > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof RegistryError) throw new InputError({}, e.message);
    throw e;
  }
}
