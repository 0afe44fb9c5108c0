// npm run quality:noise -- [--variants workers=1,workers=3] [--seeds 2,3]
// How much the quality gate's TraceAnomaly numbers move when nothing is broken: the gate's cell (experiments/
// quality.json) rerun with its float summation order changed (worker threads 1 and 3 instead of 2: the gradient
// shares and the scoring batches are summed in other orders) and, for scale, with other seeds. The tolerances in
// reports/quality-baseline.json come from this spread (docs/quality-gate.md).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { flatMetrics } from '../src/harness/experiments/aggregate-cells.ts';
import { builtinRegistry } from '../src/harness/experiments/builtins.ts';
import { loadExperiment } from '../src/harness/experiments/catalog.ts';
import type { ExperimentDef } from '../src/harness/experiments/definition.ts';
import { runExperiment } from '../src/harness/experiments/runner.ts';
import { exitOnError } from '../src/harness/cli/script.ts';

exitOnError('quality:noise');
const { values: o } = parseArgs({ options: { variants: { type: 'string' }, seeds: { type: 'string' } } });
const METRICS = ['auprc', 'precision', 'recall', 'fpr', 'importanceGain'];
const base = await loadExperiment('quality');
const variants: { label: string; def: ExperimentDef }[] = [{ label: 'gate (workers=2, seed 1)', def: base }];
const withOptions = (extra: Record<string, unknown>, seeds = base.seeds): ExperimentDef => ({
  ...base,
  seeds,
  methods: base.methods.map((m) => (typeof m === 'string' ? { method: m, options: extra } : { ...m, options: { ...m.options, ...extra } })),
});
for (const v of (o.variants ?? 'workers=1,workers=3').split(',').filter(Boolean)) {
  const [k, val] = v.split('=');
  variants.push({ label: `float order: ${v}`, def: withOptions({ [k]: Number(val) }) });
}
for (const s of (o.seeds ?? '2,3').split(',').filter(Boolean)) variants.push({ label: `seed ${s}`, def: withOptions({}, [Number(s)]) });

const out = await mkdtemp(join(tmpdir(), 'quality-noise-'));
const rows: { label: string; values: Record<string, number> }[] = [];
try {
  for (const v of variants) {
    const run = await runExperiment(v.def, { registry: builtinRegistry(), outDir: out, fresh: true, failFast: true, log: (l) => process.stderr.write(`${l}\n`) });
    const flat = flatMetrics(run.cells[0].result!);
    rows.push({ label: v.label, values: Object.fromEntries(METRICS.map((m) => [m, flat[m] as number])) });
    console.log(`${v.label}: ${METRICS.map((m) => `${m} ${(flat[m] as number).toFixed(4)}`).join(', ')}`);
  }
} finally {
  await rm(out, { recursive: true, force: true });
}
const ref = rows[0].values;
const spread = (pick: (l: string) => boolean) => Object.fromEntries(METRICS.map((m) => [m, Math.max(0, ...rows.filter((r) => pick(r.label)).map((r) => Math.abs(r.values[m] - ref[m])))]));
const floatOrder = spread((l) => l.startsWith('float'));
const seeds = spread((l) => l.startsWith('seed'));
console.log(`largest change from the gate's numbers, float order only: ${METRICS.map((m) => `${m} ${floatOrder[m].toFixed(4)}`).join(', ')}`);
console.log(`largest change from the gate's numbers, other seeds:      ${METRICS.map((m) => `${m} ${seeds[m].toFixed(4)}`).join(', ')}`);
