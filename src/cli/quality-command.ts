import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { QualityBaseline } from '../quality/quality-gate.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { PROJECT_ROOT } from '../util/data-root.ts';
import { InputError } from '../util/errors.ts';
import { parseCommand, UsageError } from './args.ts';

export const QUALITY_USAGE = `traceanomaly quality [--baseline FILE] [--experiment NAME|FILE] [--update] [--degrade METHOD]...
  The CI quality gate: runs a small deterministic experiment (experiments/quality.json: TraceAnomaly and two
  baselines on a sample of the simulated TrainTicket testbed), every cell afresh, and compares each method's
  AUPRC and F1 with the committed baseline (reports/quality-baseline.json). Fails (exit 1) when a value falls more
  than the baseline's tolerance below it, or is missing.
  --update    write the run's values as the new baseline (after a deliberate change; commit the file)
  --degrade   shuffle METHOD's scores (a deliberately broken detector), to see the gate fail`;

async function readBaseline(file: string): Promise<QualityBaseline> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as QualityBaseline;
  } catch (e) {
    throw new InputError({ file }, `cannot read the quality baseline: ${(e as Error).message}`);
  }
}

export async function qualityCommand(args: string[]): Promise<number> {
  const { values: o } = parseCommand(args, {
    baseline: { type: 'string' },
    experiment: { type: 'string' },
    update: { type: 'boolean' },
    degrade: { type: 'string', multiple: true },
  });
  if (o.help) {
    console.log(QUALITY_USAGE);
    return 0;
  }
  // the experiment machinery (tfjs and all) loads only when this command runs, as for `experiment`
  const [{ builtinRegistry }, { loadExperiment }, { runExperiment }, { degradedMethod }, { baselineFrom, checkQuality, formatChecks }] = await Promise.all([
    import('../experiments/builtins.ts'),
    import('../experiments/catalog.ts'),
    import('../experiments/runner.ts'),
    import('../quality/degrade.ts'),
    import('../quality/quality-gate.ts'),
  ]);
  const baselineFile = resolve(o.baseline ?? join(PROJECT_ROOT, 'reports', 'quality-baseline.json'));
  const baseline = await readBaseline(baselineFile);
  const def = await loadExperiment(o.experiment ?? baseline.experiment);
  const registry = builtinRegistry();
  for (const name of o.degrade ?? []) {
    const m = registry.method(name);
    if (m.kind !== 'detection') throw new UsageError(`--degrade ${name}: not a detection method`);
    registry.methods.set(name, degradedMethod(m));
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const outDir = await mkdtemp(join(tmpdir(), 'traceanomaly-quality-'));
  try {
    const run = await runExperiment(def, { registry, outDir, fresh: true, failFast: true, log });
    if (run.counts.failed > 0) {
      log('quality gate: FAILED (a cell failed)');
      return 1;
    }
    if (o.update) {
      await writeFileAtomic(baselineFile, `${JSON.stringify(baselineFrom(run.cells, baseline), null, 2)}\n`);
      log(`quality baseline updated: ${baselineFile}`);
      return 0;
    }
    const checks = checkQuality(run.cells, baseline);
    for (const line of formatChecks(checks, baseline.tolerance)) console.log(line);
    const ok = checks.every((c) => c.ok);
    console.log(`quality gate: ${ok ? 'passed' : 'FAILED'} (${checks.filter((c) => c.ok).length}/${checks.length} checks)`);
    return ok ? 0 : 1;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
