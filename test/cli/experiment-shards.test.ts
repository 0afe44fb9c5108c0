import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cliInProcess as run, startCli as start } from '../helpers/cli.ts';
import { reportDifferences } from '../../src/harness/reports/compare-reports.ts';
import { tempDir } from '../helpers/files.ts';

describe('traceanomaly experiment --shard / --report-only', () => {
  it('shards run one after another and merged with --report-only give the report of one run', async () => {
    const whole = tempDir();
    expect((await run('experiment', 'demo', '--quick', '--seeds', '1-3', '--out', whole)).code).toBe(0);
    const out = tempDir();
    // before any shard: every cell is missing, named, exit 1
    const early = await run('experiment', 'demo', '--quick', '--seeds', '1-3', '--out', out, '--report-only');
    expect(early.code).toBe(1);
    expect(early.stderr.split('\n').filter((l) => /^missing: z-score .* on demo-tiny, seed \d \(.*cells\/demo-zscore/.test(l))).toHaveLength(6);
    expect(early.stderr).toMatch(/6 cell\(s\) missing/);
    const shards: string[] = [];
    for (const i of [1, 2, 3]) {
      const r = await run('experiment', 'demo', '--quick', '--seeds', '1-3', '--out', out, '--shard', `${i}/3`);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`shard ${i}/3: 2 of the 6 cells`));
      shards.push(r.stderr);
    }
    // a shard writes no report; every cell was computed by exactly one shard
    expect(shards.join('').match(/: P \d/g)).toHaveLength(6);
    const merged = await run('experiment', 'demo', '--quick', '--seeds', '1-3', '--out', out, '--report-only');
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).toMatch(/6 cells on disk or planned, 6 found, 0 missing/);
    expect(await reportDifferences(join(whole, 'demo'), join(out, 'demo'))).toEqual([]);
  });

  it('refuses a bad --shard and options --report-only does not take (usage, exit 2)', async () => {
    for (const args of [['--shard', '0/3'], ['--shard', '4/3'], ['--shard', 'x'], ['--report-only', '--shard', '1/2'], ['--report-only', '--fresh']]) {
      const r = await run('experiment', 'demo', '--quick', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(/^traceanomaly experiment: (--shard|--report-only)/);
    }
  });

  it('two concurrent runs into one folder both exit 0, and summary.json holds every seed of both', async () => {
    const out = tempDir();
    const [a, b] = await Promise.all([start('experiment', 'demo', '--seeds', '1-2', '--out', out), start('experiment', 'demo', '--seeds', '3-4', '--out', out)]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'demo', 'summary.json'), 'utf8'));
    expect(summary.seeds).toEqual([1, 2, 3, 4]);
    for (const row of summary.rows) expect(row.seeds).toEqual([1, 2, 3, 4]);
    expect(readdirSync(join(out, 'demo', 'cells')).filter((f) => !f.endsWith('.json'))).toEqual([]);
  });
});
