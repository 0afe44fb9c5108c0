import type { Detector } from '../../../lib/contracts/detector.ts';
import { choice, checkOptions, int, optionSchema } from '../../../lib/options/schema.ts';
import { averagePrecision, prCurve } from '../../../lib/metrics/pr-curve.ts';
import type { StvMatrix } from '../../../lib/stv/matrix.ts';
import { InputError } from '../../../lib/util/errors.ts';
import { createDetector } from '../../registry/create.ts';
import type { TaskMethod, TaskOutput } from '../registry.ts';

/** Nats below the peak that the heat map shows. */
const HEATMAP_RANGE = 30;

/** The task's own options; every other option goes to the model (checked by the model's schema). */
const GRID_OPTIONS = optionSchema({
  model: choice(['traceanomaly', 'vae', 'gmm', 'kde'], 'traceanomaly', { doc: 'The density model whose log p(x) is drawn' }),
  grid: int(500, { min: 2 }, { doc: 'Points per axis of the lattice (the paper: 500)' }),
});

/** Equally spaced values from lo to hi, `n` of them. */
function axis(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

/** The grid's range on one dimension: the training values' 0.1% to 99.9% quantiles, widened by 10% each side. */
function range(m: StvMatrix, j: number): [number, number] {
  const v = Array.from({ length: m.ids.length }, (_, i) => m.values[i * m.width + j]).sort((a, b) => a - b);
  const lo = v[Math.floor(0.001 * (v.length - 1))];
  const hi = v[Math.ceil(0.999 * (v.length - 1))];
  const pad = 0.1 * (hi - lo);
  return [Math.max(0, lo - pad), hi + pad];
}

/**
 * Fig. 11: a model trained on a 2-dimension service, then log p(x) (or the log density) on a grid x grid lattice
 * over the data (the paper: 500 x 500 = 250,000 points), kept as a heat map; the values are the test AUPRC and
 * the mean log p(x) of the normal test traces. Options: `model` (traceanomaly, vae, gmm, kde), `grid`, and the
 * model's own options (for the flow-VAEs, `samples` is L_z for the grid as well: the default here is 10).
 */
export const densityGridTask: TaskMethod = {
  kind: 'task',
  name: 'density-grid',
  description: "Fig. 11: a model's log p(x) over a grid of a 2-dimension service, as a heat map",
  version: '1',
  async run({ seed, options, dataset, hooks }): Promise<TaskOutput> {
    const { model: m, grid: g, ...rest } = options;
    const { model, grid } = checkOptions('density-grid', GRID_OPTIONS, { ...(m !== undefined ? { model: m } : {}), ...(g !== undefined ? { grid: g } : {}) });
    const train = dataset.train.stv;
    const test = dataset.test.stv;
    if (!train || !test || train.width !== 2) throw new InputError({}, `density-grid needs a dataset of 2-dimension STVs (${dataset.name} is not)`);
    const flowVae = model === 'traceanomaly' || model === 'vae';
    // the heat map needs the density, not the decision: one model (held-out calibration), not crossfit's k + 1
    const detector: Detector = createDetector(model, { ...(flowVae ? { samples: 10 } : {}), calibration: 'heldout', ...rest }, seed);
    const t0 = performance.now();
    await detector.fit({ stv: train }, hooks);
    const t1 = performance.now();
    const [x0, x1] = range(train, 0);
    const [y0, y1] = range(train, 1);
    const xs = axis(x0, x1, grid);
    const ys = axis(y0, y1, grid);
    const points = new Float32Array(2 * grid * grid);
    for (let r = 0; r < grid; r++) for (let c = 0; c < grid; c++) points.set([xs[c], ys[r]], 2 * (r * grid + c));
    const lattice: StvMatrix = { ids: Array.from({ length: grid * grid }, (_, i) => `g${i}`), width: 2, values: points, ...(train.dimensionIds ? { dimensionIds: train.dimensionIds } : {}) };
    const logPx = Array.from(await detector.score({ stv: lattice }, hooks), (s) => -s);
    // the colour scale shows the 30 nats below the peak; lower values are drawn at that floor
    const peak = Math.max(...logPx.filter(Number.isFinite));
    const values = logPx.map((v) => Math.max(Number.isFinite(v) ? v : -Infinity, peak - HEATMAP_RANGE));
    const testScores = await detector.score({ stv: test }, hooks);
    const t2 = performance.now();
    const truth = test.ids.map((id) => dataset.test.labels?.get(id)?.label ?? 0);
    let normalSum = 0;
    let normals = 0;
    truth.forEach((l, i) => {
      if (l === 0) {
        normalSum -= testScores[i];
        normals++;
      }
    });
    return {
      values: { auprc: averagePrecision(prCurve(truth, testScores)), meanNormalLogPx: normalSum / normals },
      artifacts: {
        heatmap: { title: `log p(x): ${model}`, xTitle: `${train.dimensionIds?.[0] ?? 'x'} (ms)`, yTitle: `${train.dimensionIds?.[1] ?? 'y'} (ms)`, valueTitle: `log p(x) (floored at peak - ${HEATMAP_RANGE})`, x: xs, y: ys, values },
        data: { x: Array.from({ length: Math.min(2000, train.ids.length) }, (_, i) => [train.values[2 * i], train.values[2 * i + 1]]) },
      },
      times: { trainSec: (t1 - t0) / 1000, testSec: (t2 - t1) / 1000 },
    };
  },
};
