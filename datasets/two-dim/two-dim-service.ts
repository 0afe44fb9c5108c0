import type { Dataset } from '../../src/lib/contracts/dataset.ts';
import type { TraceLabel } from '../../src/lib/trace/trace.ts';
import type { StvMatrix } from '../../src/lib/stv/matrix.ts';
import { Random } from '../../src/lib/util/random.ts';

export const TWO_DIM_VERSION = 'two-dim-service/1';

/**
 * A service with two STV dimensions, for the paper's Fig. 11 (whose data, one day of a 2-dimension online service,
 * is not public): the entrance microservice a calls b once, so x = rt(a) = rt(b) + a's own work and y = rt(b).
 * Three regimes of b (a cache hit, a database read, a slow batch path) give three curved, heavy-tailed clusters
 * whose spread grows with their level, the kind of shape a single Gaussian or a smooth KDE fits badly.
 */
const REGIMES = [
  { share: 0.55, b: [20, 0.25], own: [15, 0.3] },
  { share: 0.35, b: [60, 0.2], own: [30, 0.25] },
  { share: 0.1, b: [150, 0.15], own: [20, 0.4] },
] as const;

function draw(rng: Random): [number, number] {
  let u = rng.next();
  let r = REGIMES[REGIMES.length - 1];
  for (const regime of REGIMES) {
    if (u < regime.share) {
      r = regime;
      break;
    }
    u -= regime.share;
  }
  const logNormal = ([median, sigma]: readonly [number, number]) => median * Math.exp(sigma * rng.normal());
  const b = logNormal(r.b);
  return [b + logNormal(r.own), b];
}

export interface TwoDimOptions {
  seed: number;
  train?: number;
  testNormal?: number;
  /** Anomalous test traces: b slowed by 40-200 ms (so a too), or a alone slowed by 40-200 ms. */
  testAnomalies?: number;
}

/** The 2-dimension service as a Dataset of STVs (ms), with labelled test anomalies of type rt. */
export function twoDimService(o: TwoDimOptions): Dataset {
  const rng = new Random(o.seed);
  const nTrain = o.train ?? 20_000;
  const nNormal = o.testNormal ?? 2_000;
  const nAnomalies = o.testAnomalies ?? 100;
  const matrix = (n: number, prefix: string, anomalous: boolean): StvMatrix => {
    const values = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      let [x, y] = draw(rng);
      if (anomalous) {
        const extra = 40 + 160 * rng.next();
        if (rng.next() < 0.5) {
          x += extra;
          y += extra;
        } else x += extra;
      }
      values[2 * i] = x;
      values[2 * i + 1] = y;
    }
    return { ids: Array.from({ length: n }, (_, i) => `${prefix}${i}`), width: 2, values, dimensionIds: ['a(start->a)', 'b(start->a,a->b)'] };
  };
  const train = matrix(nTrain, 'train-', false);
  const normal = matrix(nNormal, 'normal-', false);
  const anomalies = matrix(nAnomalies, 'anomaly-', true);
  const test: StvMatrix = {
    ids: [...normal.ids, ...anomalies.ids],
    width: 2,
    values: Float32Array.from([...normal.values, ...anomalies.values]),
    dimensionIds: train.dimensionIds!,
  };
  const labels = new Map<string, TraceLabel>();
  for (const id of normal.ids) labels.set(id, { label: 0 });
  for (const id of anomalies.ids) labels.set(id, { label: 1, anomalyType: 'rt', rootCause: 'a' });
  return {
    name: 'two-dim-service',
    description: 'A 2-dimension service (Fig. 11): x = rt of the entrance a, y = rt of b, three regimes of b',
    train: { stv: train },
    test: { stv: test, labels },
    anomalyTypes: ['rt'],
    provenance: { generator: TWO_DIM_VERSION, seed: o.seed, train: nTrain, testNormal: nNormal, testAnomalies: nAnomalies },
  };
}
