import { spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../lib/util/atomic-write.ts';
import { InputError } from '../../lib/util/errors.ts';
import { UsageError } from './args.ts';

/**
 * `traceanomaly experiment NAME --slurm`: writes two sbatch scripts, a job array whose task i runs `--shard i/N`
 * and a merge job that runs `--report-only`, and with `--submit` hands them to the cluster's own `sbatch`, the
 * merge with `--dependency=afterok:` on the array. Nothing of Slurm is reimplemented. See docs/cluster.md.
 */

/** What each job asks Slurm for; absent: the cluster's defaults. */
export interface SlurmResources {
  partition?: string;
  time?: string;
  /** CPUs per array task (default 2: TraceAnomaly's wasm workers); the merge job asks for 1. */
  cpus?: number;
  mem?: string;
  /** GPUs per array task (`--gres=gpu:G`, e.g. `1` or `a100:1`); the merge job asks for none. */
  gpus?: string;
}

/** The checked value of a resource option, or a usage error: it goes into a script, so nothing but its own syntax. */
export function slurmResources(o: { partition?: string; time?: string; cpus?: string; mem?: string; gpus?: string }): SlurmResources {
  const check = (name: string, v: string | undefined, re: RegExp, what: string): string | undefined => {
    if (v !== undefined && !re.test(v)) throw new UsageError(`--${name} must be ${what}, found "${v}"`);
    return v;
  };
  const partition = check('partition', o.partition, /^[A-Za-z0-9_.,-]+$/, 'a partition name (or a comma-separated list)');
  const time = check('time', o.time, /^\d+(-\d+)?(:\d+){0,2}$/, 'a Slurm time limit such as 30, 2:00:00 or 1-12:00');
  const cpus = check('cpus', o.cpus, /^[1-9]\d{0,3}$/, 'a number of CPUs per task');
  const mem = check('mem', o.mem, /^[1-9]\d*[KMGT]?$/, 'a memory size such as 8G or 16000M');
  const gpus = check('gpus', o.gpus, /^([A-Za-z0-9_-]+:)?[1-9]\d{0,2}$/, 'a number of GPUs per task, optionally with a type (1, a100:2)');
  return { ...(partition ? { partition } : {}), ...(time ? { time } : {}), ...(cpus ? { cpus: Number(cpus) } : {}), ...(mem ? { mem } : {}), ...(gpus ? { gpus } : {}) };
}

/** A word for bash: single-quoted unless it is plainly safe. */
export const shellWord = (s: string): string => (/^[A-Za-z0-9_./:=,+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export interface SlurmJob {
  /** The experiment (report folder name) and the `experiment` arguments every job repeats (NAME first, absolute paths). */
  name: string;
  args: string[];
  shards: number;
  resources: SlurmResources;
  /** Where the scripts and their logs go. */
  dir: string;
  /** The project's folder and the node that runs it on the compute nodes (a shared file system: the same paths). */
  projectRoot: string;
  node: string;
  /** The command line that wrote the scripts, for their header. */
  origin: string;
}

function header(job: SlurmJob, what: string[], sbatch: string[]): string {
  return [
    '#!/bin/bash',
    `# Written by \`${job.origin}\``,
    `# on ${hostname()} at ${new Date().toISOString()}.`,
    ...what.map((l) => `# ${l}`),
    ...sbatch.map((l) => `#SBATCH ${l}`),
    'set -euo pipefail',
    `cd ${shellWord(job.projectRoot)}`,
  ].join('\n');
}

const resourceLines = (r: SlurmResources, withGpus: boolean): string[] => [
  ...(r.partition ? [`--partition=${r.partition}`] : []),
  ...(r.time ? [`--time=${r.time}`] : []),
  ...(r.mem ? [`--mem=${r.mem}`] : []),
  ...(withGpus && r.gpus ? [`--gres=gpu:${r.gpus}`] : []),
];

/** The two scripts' text: the array of shards, and the merge. */
export function slurmScripts(job: SlurmJob): { array: string; merge: string } {
  const run = (extra: string) => `exec ${shellWord(job.node)} bin/traceanomaly.mjs experiment ${job.args.map(shellWord).join(' ')} ${extra}\n`;
  const array = header(
    job,
    [
      `Array task I runs shard I/${job.shards} of the experiment's cells (the partition is fixed by the cell list, so N is`,
      `written here, not taken from SLURM_ARRAY_TASK_COUNT: \`sbatch --array=2 ${join(job.dir, 'array.sbatch')}\` reruns shard 2 alone).`,
      'Cells are written into the shared --out as they finish; a resubmitted task reuses the finished ones.',
    ],
    [`--job-name=ta-${job.name}`, `--array=1-${job.shards}`, `--output=${join(job.dir, 'logs', 'shard-%a-job-%A.log')}`, `--cpus-per-task=${job.resources.cpus ?? 2}`, ...resourceLines(job.resources, true)],
  );
  const merge = header(
    job,
    ['The merge: the report from the cells on disk (summary.json, tables, charts); it names and fails on any cell still missing.', 'Submitted with --dependency=afterok on the array, it runs when every shard has succeeded.'],
    [`--job-name=ta-${job.name}-merge`, `--output=${join(job.dir, 'logs', 'merge-job-%j.log')}`, '--cpus-per-task=1', ...resourceLines(job.resources, false)],
  );
  return { array: `${array}\n${run(`--shard "$SLURM_ARRAY_TASK_ID/${job.shards}"`)}`, merge: `${merge}\n${run('--report-only')}` };
}

/** Writes `array.sbatch` and `merge.sbatch` (and the logs folder) into `job.dir`; returns their paths. */
export async function writeSlurmScripts(job: SlurmJob): Promise<{ array: string; merge: string }> {
  const text = slurmScripts(job);
  await mkdir(join(job.dir, 'logs'), { recursive: true });
  const paths = { array: join(job.dir, 'array.sbatch'), merge: join(job.dir, 'merge.sbatch') };
  await writeFileAtomic(paths.array, text.array);
  await writeFileAtomic(paths.merge, text.merge);
  return paths;
}

/** The commands that submit the scripts by hand (what `--submit` runs). */
export const submitCommands = (paths: { array: string; merge: string }): string[] => [
  `array=$(sbatch --parsable ${shellWord(paths.array)})`,
  `sbatch --parsable --dependency=afterok:\${array%%;*} ${shellWord(paths.merge)}`,
];

/** Submits the array, then the merge after it; returns the job ids. `sbatch` is the cluster's, found on PATH. */
export function submitSlurm(paths: { array: string; merge: string }, sbatch = 'sbatch'): { array: string; merge: string } {
  const submit = (args: string[]): string => {
    const r = spawnSync(sbatch, ['--parsable', ...args], { encoding: 'utf8' });
    if (r.error) throw new InputError({}, (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? `${sbatch} not found on PATH: submit from a Slurm login node, or by hand: ${submitCommands(paths).join('; ')}` : `${sbatch}: ${r.error.message}`);
    const out = r.stdout.trim();
    // --parsable prints "jobid" or "jobid;cluster"
    const id = /^(\d+)(;\S+)?$/.exec(out)?.[1];
    if (r.status !== 0 || id === undefined) throw new InputError({ file: args.at(-1)! }, `sbatch failed (exit ${r.status}): ${(r.stderr.trim() || out).split('\n').join(' ')}`);
    return id;
  };
  const array = submit([paths.array]);
  const merge = submit([`--dependency=afterok:${array}`, paths.merge]);
  return { array, merge };
}
