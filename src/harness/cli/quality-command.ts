import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CellRecord } from '../experiments/runner.ts';
import { isMutation, MUTATIONS, type MutationName } from '../quality/mutations.ts';
import type { QualityBaseline } from '../quality/quality-gate.ts';
import { writeFileAtomic } from '../../lib/util/atomic-write.ts';
import { PROJECT_ROOT } from '../../lib/util/data-root.ts';
import { InputError } from '../../lib/util/errors.ts';
import { parseCommand, UsageError } from './args.ts';

export const QUALITY_USAGE = `traceanomaly quality [--baseline FILE] [--update [--lower-floor --reason TEXT]] [--mutate NAME]...
  The CI quality gate (docs/quality-gate.md): runs the baseline's experiments (experiments/quality*.json:
  TraceAnomaly on a seeded sample of the released TrainTicket STVs, HSTV-3sigma and WFG on a sample of the
  simulated testbed, TraceAnomaly's root-cause localisation), every cell afresh, and compares each checked number
  with reports/quality-baseline.json: a check fails when the number moves more than its tolerance either way (a
  rise usually means leakage), falls below its floor, or is missing. Exit 1 on any failed check.
  --update       write the run's values as the new baseline (tolerances and floors kept; commit the file)
  --lower-floor  with --update: allow values below a floor, which moves down to them; needs --reason, recorded
  --mutate NAME  break the build on purpose to see the gate fail (repeatable): ${Object.keys(MUTATIONS).join(', ')}`;

async function readBaseline(file: string): Promise<QualityBaseline> {
  let b: QualityBaseline;
  try {
    b = JSON.parse(await readFile(file, 'utf8')) as QualityBaseline;
  } catch (e) {
    throw new InputError({ file }, `cannot read the quality baseline: ${(e as Error).message}`);
  }
  if (b.format !== 'traceanomaly-quality-baseline' || b.version !== 2 || !Array.isArray(b.experiments) || !Array.isArray(b.checks)) {
    throw new InputError({ file }, 'not a quality baseline (format traceanomaly-quality-baseline, version 2, with experiments and checks)');
  }
  return b;
}

export async function qualityCommand(args: string[]): Promise<number> {
  const { values: o } = parseCommand(args, {
    baseline: { type: 'string' },
    update: { type: 'boolean' },
    'lower-floor': { type: 'boolean' },
    reason: { type: 'string' },
    mutate: { type: 'string', multiple: true },
  });
  if (o.help) {
    console.log(QUALITY_USAGE);
    return 0;
  }
  if (o['lower-floor'] && (!o.update || !o.reason?.trim())) throw new UsageError('--lower-floor goes with --update and a --reason');
  for (const m of o.mutate ?? []) if (!isMutation(m)) throw new UsageError(`--mutate ${m}: not one of ${Object.keys(MUTATIONS).join(', ')}`);
  // the experiment machinery (tfjs and all) loads only when this command runs, as for `experiment`
  const [{ builtinRegistry }, { loadExperiment }, { runExperiment }, { mutate }, { baselineFrom, checkQuality, formatResults }] = await Promise.all([
    import('../experiments/builtins.ts'),
    import('../experiments/catalog.ts'),
    import('../experiments/runner.ts'),
    import('../quality/mutations.ts'),
    import('../quality/quality-gate.ts'),
  ]);
  const baselineFile = resolve(o.baseline ?? join(PROJECT_ROOT, 'reports', 'quality-baseline.json'));
  const baseline = await readBaseline(baselineFile);
  const registry = builtinRegistry();
  for (const m of o.mutate ?? []) mutate(registry, m as MutationName);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const outDir = await mkdtemp(join(tmpdir(), 'traceanomaly-quality-'));
  try {
    const runs: Record<string, CellRecord[]> = {};
    for (const name of baseline.experiments) {
      const def = await loadExperiment(name);
      const run = await runExperiment(def, { registry, outDir, fresh: true, failFast: true, log });
      if (run.counts.failed > 0) {
        log(`quality gate: FAILED (a cell of ${name} failed)`);
        return 1;
      }
      runs[name] = run.cells;
    }
    if (o.update) {
      const lowerFloor = o['lower-floor'] ? { reason: o.reason!.trim(), date: new Date().toISOString().slice(0, 10) } : undefined;
      let next: QualityBaseline;
      try {
        next = baselineFrom(runs, baseline, lowerFloor ? { lowerFloor } : {});
      } catch (e) {
        log(`quality --update: ${(e as Error).message}`);
        return 1;
      }
      await writeFileAtomic(baselineFile, `${JSON.stringify(next, null, 2)}\n`);
      log(`quality baseline updated: ${baselineFile}`);
      return 0;
    }
    const results = checkQuality(runs, baseline);
    for (const line of formatResults(results)) console.log(line);
    return results.every((r) => r.ok) ? 0 : 1;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
