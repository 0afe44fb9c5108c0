import type { Dataset, DetectorInput } from '../../src/lib/contracts/dataset.ts';
import type { Detector } from '../../src/lib/contracts/detector.ts';
import type { ExperimentDef } from '../../src/harness/experiments/definition.ts';
import { Registry, type DatasetEntry } from '../../src/harness/experiments/registry.ts';
import { runExperiment } from '../../src/harness/experiments/runner.ts';
import { writeExperimentReport } from '../../src/harness/reports/write-report.ts';
import { StvMatrixBuilder } from '../../src/lib/stv/matrix.ts';
import type { TraceLabel } from '../../src/lib/trace/trace.ts';
import { Random } from '../../src/lib/util/random.ts';

/**
 * Reports of the shapes the paper's experiments give, from cells computed in a second by stand-ins: a Table II
 * (ten methods with the paper's labels, two datasets), a Table VI (methods x datasets), an ablation sweep and a
 * Fig. 11 heat map, under the built-in datasets' names, with descriptions that quote names in backticks. For
 * checks of the report page (test/reports/page.test.ts) and a look at it.
 */

/** One STV dimension: 100 normal test rows around 0, 10 rt and 10 path anomalies around 2. */
function noisyDataset(name: string, seed: number): Dataset {
  const rng = new Random(seed * 1000 + name.length);
  const labels = new Map<string, TraceLabel>();
  const test = new StvMatrixBuilder(1, 120);
  for (let i = 0; i < 120; i++) {
    const type = i < 10 ? 'rt' : i < 20 ? 'path' : null;
    const id = `t${i}`;
    test.addRow(id)[0] = (type ? 2 : 0) + rng.normal();
    labels.set(id, type ? { label: 1, anomalyType: type } : { label: 0 });
  }
  const train = new StvMatrixBuilder(1, 50);
  for (let i = 0; i < 50; i++) train.addRow(`n${i}`)[0] = rng.normal();
  return { name, description: 'stand-in', train: { stv: train.build(['a(start->a)']) }, test: { stv: test.build(['a(start->a)']), labels }, anomalyTypes: ['path', 'rt'], provenance: {} };
}

const datasetEntry = (name: string): DatasetEntry => ({ name, description: 'stand-in', seeded: true, fingerprint: async () => 'fixture-1', load: async (ctx) => noisyDataset(name, ctx.seed) });

/** Scores each row's value plus noise of `noise` std (fewer with more `samples`), flags scores over 1.2. */
class NoisyDetector implements Detector {
  readonly name = 'noisy';
  readonly needs = 'stv' as const;
  readonly detects = ['rt', 'path'] as const;
  constructor(readonly options: Record<string, unknown>, private readonly seed: number) {}
  async fit(): Promise<void> {}
  async score(data: DetectorInput): Promise<Float64Array> {
    const rng = new Random(this.seed * 7 + Number(this.options.noise ?? 1) * 100);
    const noise = Number(this.options.noise ?? 1) / Math.sqrt(Number(this.options.samples ?? 1));
    return Float64Array.from(data.stv!.values, (v) => v + noise * rng.normal());
  }
  decide(scores: Float64Array): Uint8Array {
    return Uint8Array.from(scores, (s) => (s > 1.2 ? 1 : 0));
  }
}

export function fixtureRegistry(): Registry {
  const r = new Registry();
  for (const d of ['trainticket', 'trainticket-released', 'service-1', 'service-2', 'two-dim-service']) r.addDataset(datasetEntry(d));
  r.addMethod({ kind: 'detection', name: 'noisy', description: 'stand-in detector', version: '1', create: ({ seed, options }) => new NoisyDetector(options, seed) });
  r.addMethod({
    kind: 'task',
    name: 'density',
    description: 'a 40 x 30 density grid',
    version: '1',
    run: async () => {
      const x = Array.from({ length: 40 }, (_, i) => i * 6.5);
      const y = Array.from({ length: 30 }, (_, j) => j * 7.7);
      const values = y.flatMap((b) => x.map((a) => -(((a - 100) / 40) ** 2) - ((b - 80) / 30) ** 2));
      return { values: { auprc: 0.9 }, artifacts: { heatmap: { title: 'log p(x): traceanomaly', xTitle: 'ts-order (ms)', yTitle: 'ts-station (ms)', valueTitle: 'log p(x) (floored at peak - 30)', x, y, values } } };
    },
  });
  return r;
}

const PAPER_METHODS = ['WFG-based', 'DeepLog*', 'CPD-based', 'CFG-based', 'AEVB', 'OmniAnomaly', 'Multimodal LSTM', 'TraceAnomaly', 'Hard-coded rule (ref.)', 'HSTV-3sigma (ref.)'];

export const FIXTURE_EXPERIMENTS: ExperimentDef[] = [
  {
    name: 'ablation-samples',
    title: 'Ablation: importance samples L_z',
    description: 'TraceAnomaly scored with L_z importance samples, on `trainticket-released`.',
    kind: 'detection',
    datasets: ['trainticket-released'],
    methods: [{ method: 'noisy', label: 'TraceAnomaly', options: { noise: 0.6 } }],
    grid: { samples: [1, 10, 50] },
    seeds: [1],
    report: { layout: 'sweep', x: 'samples', metrics: ['auprc', 'f1', 'recall', 'testSec'] },
  },
  {
    name: 'fig11',
    title: 'Fig. 11: log p(x) of a model on a 2-dimension service',
    kind: 'task',
    datasets: ['two-dim-service'],
    methods: [{ method: 'density', label: 'TraceAnomaly' }],
    seeds: [1],
    report: { layout: 'values' },
  },
  {
    name: 'table6',
    title: 'Table VI: TraceAnomaly with other density models',
    kind: 'detection',
    datasets: ['service-1', 'service-2', 'trainticket'],
    methods: ['TraceAnomaly with GMM', 'TraceAnomaly with KDE', 'TraceAnomaly with Vanilla VAE'].map((label, i) => ({ method: 'noisy', label, options: { noise: 0.8 + 0.3 * i } })),
    seeds: [1],
    report: { layout: 'by-dataset', paper: { table: 'VI', methods: Object.fromEntries(['GMM', 'KDE', 'Vanilla VAE'].map((m) => [`TraceAnomaly with ${m}`, `TraceAnomaly with ${m}`])), datasets: { 'service-1': 'Service-1', 'service-2': 'Service-2', trainticket: 'TrainTicket' } } },
  },
  {
    name: 'table2',
    title: 'Table II: detection on the TrainTicket testbed',
    description: "The paper's Table II. `trainticket` is this harness's simulation of the testbed; `trainticket-released` is the authors' released test STVs.",
    kind: 'detection',
    datasets: ['trainticket', 'trainticket-released'],
    methods: PAPER_METHODS.map((label, i) => ({ method: 'noisy', label, options: { noise: 0.4 + 0.15 * i } })),
    seeds: [1, 2],
    report: { layout: 'detection', paper: { table: 'II', methods: Object.fromEntries(PAPER_METHODS.slice(0, 8).map((m) => [m, m])), datasets: { trainticket: 'TrainTicket', 'trainticket-released': 'TrainTicket' } } },
  },
];

/** Runs the fixture experiments into `outDir` and writes their reports; returns `<outDir>/index.html`. */
export async function writeFixtureReports(outDir: string): Promise<string> {
  const registry = fixtureRegistry();
  for (const def of FIXTURE_EXPERIMENTS) await writeExperimentReport(await runExperiment(def, { registry, outDir, log: () => {} }), outDir);
  return `${outDir}/index.html`;
}
