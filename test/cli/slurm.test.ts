import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliInProcess as run, started } from '../helpers/cli.ts';
import { slurmResources, slurmScripts, type SlurmJob } from '../../src/harness/cli/slurm.ts';
import { tempDir } from '../helpers/files.ts';

/** Runs a script with bash as Slurm would (its #SBATCH lines are comments to bash), with these variables set. */
const bash = (script: string, env: Record<string, string> = {}) => started('bash', [script], env);

const job = (over: Partial<SlurmJob> = {}): SlurmJob => ({
  name: 'table4',
  args: ['table4', '--quick', '--out', "/shared/it's here/reports"],
  shards: 3,
  resources: { partition: 'gpu', time: '2:00:00', cpus: 4, mem: '8G', gpus: 'a100:1' },
  dir: '/shared/reports/table4/slurm',
  projectRoot: '/shared/code dir',
  node: '/opt/node/bin/node',
  origin: 'traceanomaly experiment table4 --quick --slurm',
  ...over,
});

describe('traceanomaly experiment --slurm', () => {
  it('writes a job array of shards and a merge job, asking Slurm for the resources given', () => {
    const { array, merge } = slurmScripts(job());
    const sbatch = (text: string) => text.split('\n').filter((l) => l.startsWith('#SBATCH ')).map((l) => l.slice(8));
    expect(sbatch(array)).toEqual(['--job-name=ta-table4', '--array=1-3', '--output=/shared/reports/table4/slurm/logs/shard-%a-job-%A.log', '--cpus-per-task=4', '--partition=gpu', '--time=2:00:00', '--mem=8G', '--gres=gpu:a100:1']);
    expect(sbatch(merge)).toEqual(['--job-name=ta-table4-merge', '--output=/shared/reports/table4/slurm/logs/merge-job-%j.log', '--cpus-per-task=1', '--partition=gpu', '--time=2:00:00', '--mem=8G']);
    // bash reads back exactly the words given, a quote and a space included
    const words = (text: string) => {
      const last = text.trim().split('\n').at(-1)!.replace(/^exec /, 'printf "%s\\n" ');
      return spawnSync('bash', ['-c', `SLURM_ARRAY_TASK_ID=2; ${last}`], { encoding: 'utf8' }).stdout.trim().split('\n');
    };
    expect(words(array)).toEqual(['/opt/node/bin/node', 'bin/traceanomaly.mjs', 'experiment', 'table4', '--quick', '--out', "/shared/it's here/reports", '--shard', '2/3']);
    expect(words(merge).slice(-2)).toEqual(["/shared/it's here/reports", '--report-only']);
    expect(array).toContain("cd '/shared/code dir'\n");
    // array tasks ask for 2 CPUs unless told (TraceAnomaly's two wasm workers), and no GPU
    expect(sbatch(slurmScripts(job({ resources: {} })).array)).toEqual(['--job-name=ta-table4', '--array=1-3', '--output=/shared/reports/table4/slurm/logs/shard-%a-job-%A.log', '--cpus-per-task=2']);
  });

  it('takes only what each resource option can be: nothing else gets into a script', () => {
    expect(slurmResources({ partition: 'a,b', time: '1-12:00', cpus: '8', mem: '16000M', gpus: '2' })).toEqual({ partition: 'a,b', time: '1-12:00', cpus: 8, mem: '16000M', gpus: '2' });
    for (const [k, v] of [['partition', 'x\n#SBATCH --uid=0'], ['time', 'soon'], ['cpus', '0'], ['mem', '8 G'], ['gpus', '1; rm -rf /']]) {
      expect(() => slurmResources({ [k]: v }), k).toThrow(new RegExp(`^--${k} must be`));
    }
  });

  it('the written scripts run the shards and the merge (bash standing in for Slurm here; npm run test:slurm runs them under Slurm)', async () => {
    const out = tempDir();
    const r = await run('experiment', 'demo', '--quick', '--seeds', '1-2', '--out', out, '--slurm', '--shards', '2', '--cpus', '1');
    expect(r.code, r.stderr).toBe(0);
    const dir = join(out, 'demo', 'slurm');
    expect(r.stderr).toContain(`wrote ${join(dir, 'array.sbatch')} (a job array of 2 task(s), 4 cells)`);
    expect(r.stderr).toContain(`sbatch --parsable --dependency=afterok:\${array%%;*} ${join(dir, 'merge.sbatch')}`);
    const shards = await Promise.all(['1', '2'].map((id) => bash(join(dir, 'array.sbatch'), { SLURM_ARRAY_TASK_ID: id, SLURM_ARRAY_TASK_COUNT: '2' })));
    for (const s of shards) expect(s.code, s.stderr).toBe(0);
    expect(shards.map((s) => /shard (\d)\/2: 2 of the 4 cells/.exec(s.stderr)?.[1])).toEqual(['1', '2']);
    const merged = await bash(join(dir, 'merge.sbatch'));
    expect(merged.code, merged.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'demo', 'summary.json'), 'utf8')).rows.map((x: { seeds: number[] }) => x.seeds)).toEqual([[1, 2], [1, 2]]);
  });

  it('--submit without sbatch on PATH: one line saying so and how to submit by hand, exit 1', async () => {
    const path = process.env.PATH;
    process.env.PATH = tempDir();
    try {
      const r = await run('experiment', 'demo', '--quick', '--out', tempDir(), '--slurm', '--submit');
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n').filter((l) => l.startsWith('traceanomaly experiment: error: '))).toEqual([expect.stringMatching(/error: sbatch not found on PATH: submit from a Slurm login node, or by hand: array=\$\(sbatch --parsable .*array\.sbatch\); sbatch --parsable --dependency=afterok/)]);
    } finally {
      process.env.PATH = path;
    }
  });

  it('refuses options that do not go together (usage, exit 2)', async () => {
    for (const args of [['--shards', '3'], ['--submit'], ['--gpus', '1'], ['--slurm', '--shard', '1/2'], ['--slurm', '--report-only'], ['--slurm', '--fresh'], ['--slurm', '--shards', '0'], ['--slurm', '--time', 'x']]) {
      const r = await run('experiment', 'demo', '--quick', '--out', tempDir(), ...args);
      expect(r.code, args.join(' ')).toBe(2);
    }
  });
});
