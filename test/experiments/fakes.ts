import type { AnomalyType, Dataset, DetectorInput } from '../../src/lib/contracts/dataset.ts';
import type { Detector } from '../../src/lib/contracts/detector.ts';
import type { DatasetEntry, MethodEntry } from '../../src/harness/experiments/registry.ts';
import type { ExperimentDef } from '../../src/harness/experiments/definition.ts';
import { StvMatrixBuilder } from '../../src/lib/stv/matrix.ts';
import type { TraceLabel } from '../../src/lib/trace/trace.ts';

/** A one-dimensional STV matrix. */
function stv(ids: string[], values: number[]) {
  const b = new StvMatrixBuilder(1, ids.length);
  ids.forEach((id, i) => (b.addRow(id)[0] = values[i]));
  return b.build(['a(start->a)']);
}

/**
 * Test rows t0..t3: truth 1 1 0 0 (t0 rt, t1 path), values 4 3 2 1. Training: 3 normal rows.
 * A detector that flags the `seed` rows with the highest values gives, by hand:
 *   seed 1: tp 1 fp 0 -> P 1,   R 1/2
 *   seed 2: tp 2 fp 0 -> P 1,   R 1
 *   seed 3: tp 2 fp 1 -> P 2/3, R 1
 */
export function tinyDataset(): Dataset {
  const labels = new Map<string, TraceLabel>([
    ['t0', { label: 1, anomalyType: 'rt', rootCause: 'a' }],
    ['t1', { label: 1, anomalyType: 'path', rootCause: 'b' }],
    ['t2', { label: 0 }],
    ['t3', { label: 0 }],
  ]);
  return {
    name: 'tiny',
    description: 'four test rows',
    train: { stv: stv(['n0', 'n1', 'n2'], [1, 1, 2]) },
    test: { stv: stv(['t0', 't1', 't2', 't3'], [4, 3, 2, 1]), labels },
    anomalyTypes: ['path', 'rt'],
    provenance: {},
  };
}

export const tinyEntry = (fingerprint = 'v1'): DatasetEntry => ({
  name: 'tiny',
  description: 'four test rows',
  seeded: false,
  fingerprint: async () => fingerprint,
  load: async () => tinyDataset(),
});

/** Flags the `seed` highest-scoring rows; counts its fits so that tests can tell reuse from recomputation. */
export class TopSeedDetector implements Detector {
  static fits = 0;
  readonly name = 'top-seed';
  readonly needs: 'stv' | 'traces';
  readonly detects: readonly AnomalyType[] = ['rt', 'path'];
  readonly options: Record<string, unknown>;
  constructor(private readonly seed: number, options: Record<string, unknown>, private readonly failOnSeed?: number) {
    this.options = { ...options };
    this.needs = options.needsTraces ? 'traces' : 'stv';
  }
  async fit(): Promise<void> {
    if (this.seed === this.failOnSeed) throw new Error(`killed at seed ${this.seed}`);
    TopSeedDetector.fits++;
  }
  async score(data: DetectorInput): Promise<Float64Array> {
    return Float64Array.from(data.stv!.values);
  }
  decide(scores: Float64Array): Uint8Array {
    const sorted = [...scores].sort((a, b) => b - a);
    const cut = sorted[Math.min(this.seed, sorted.length) - 1];
    return Uint8Array.from(scores, (s) => (s >= cut ? 1 : 0));
  }
}

export const topSeedMethod = (name = 'top-seed', opts: { version?: string; failOnSeed?: number } = {}): MethodEntry => ({
  kind: 'detection',
  name,
  description: 'test detector',
  version: opts.version ?? '1',
  create: ({ seed, options }) => new TopSeedDetector(seed, options, opts.failOnSeed),
});

export const experiment = (over: Partial<ExperimentDef> = {}): ExperimentDef => ({
  name: 'exp',
  title: 'Test experiment',
  kind: 'detection',
  datasets: ['tiny'],
  methods: ['top-seed'],
  seeds: [1, 2, 3],
  report: { layout: 'detection' },
  ...over,
});
