import type { DetectorInput } from '../../src/lib/contracts/dataset.ts';
import { testMatrix, trainingMatrix, type InputSpace } from '../../src/lib/detector/prepare.ts';
import { ABSENT, type StvMatrix } from '../../src/lib/stv/matrix.ts';
import { fitNormalisation } from '../../src/lib/stv/normalise.ts';
import { InputError } from '../../src/lib/util/errors.ts';
import { fillGaps, responseTimeMatrix, timeOrder, type Combine, type FillRule, type MicroserviceKey } from '../../src/lib/trace-features/rt-series.ts';
import { GroupIndex } from '../../src/lib/decision/three-sigma.ts';

/**
 * What one time step of OmniAnomaly's series holds [I]:
 * - `microservice` (default; the paper, sec. V-B: "the response time data of traces' microservices can form a
 *   multivariate time series"): one feature per microservice, its response time in the trace;
 * - `callpath` (spec 8.2): the trace's STV, one feature per call path. STV-only input (the released data) has
 *   no start times: rows are taken in file order, a degraded mode (spec 1.8).
 * Either way a trace is one time step, and a feature the trace lacks is a missing point, filled by `fill`.
 */
export const DIMENSIONS = ['microservice', 'callpath'] as const;
export type Dimensions = (typeof DIMENSIONS)[number];

export interface InputOptions {
  dimensions: Dimensions;
  key: MicroserviceKey;
  combine: Combine;
  fill: FillRule;
}

/** A time-ordered, scaled and filled series: row k is input row order[k]. */
export interface Series {
  order: Int32Array;
  width: number;
  values: Float32Array;
}

interface Raw {
  order: Int32Array;
  width: number;
  /** Response times in ms, NaN where absent. */
  values: Float64Array;
}

/**
 * The input side of OmniAnomaly: the feature space learnt from the training data, and min-max scaling fitted on
 * the training data only (the official code refits it on the test data, a quirk the spec says not to copy):
 * x' = (x - min) / (max - min) over a feature's present training values (a constant feature: x - min). A
 * missing point is -1 (`absent`, spec 8.2: below every scaled response time), 0 ms scaled (`zero`), the
 * feature's last observed value (`previous`), or its scaled training mean (`mean`).
 */
export class OmniInput {
  private index = new GroupIndex<string>();
  private space: InputSpace | null = null;
  private min = new Float64Array(0);
  private range = new Float64Array(0);
  private constant = new Float64Array(0);
  /** The last observed scaled value of each feature, after the training series (fill `previous`). */
  private carryAfterTraining = new Float64Array(0);

  constructor(readonly options: InputOptions) {}

  get width(): number {
    return this.min.length;
  }

  /** Learns the features and the scaling; returns the training series. */
  fit(data: DetectorInput): Series {
    const raw = this.raw(data, true);
    const W = raw.width;
    this.min = new Float64Array(W).fill(Infinity);
    const max = new Float64Array(W).fill(-Infinity);
    const sum = new Float64Array(W);
    const count = new Float64Array(W);
    for (let i = 0; i < raw.values.length; i++) {
      const v = raw.values[i];
      if (Number.isNaN(v)) continue;
      const j = i % W;
      if (v < this.min[j]) this.min[j] = v;
      if (v > max[j]) max[j] = v;
      sum[j] += v;
      count[j]++;
    }
    this.range = Float64Array.from(max, (m, j) => (count[j] === 0 || m === this.min[j] ? 1 : m - this.min[j]));
    this.min = this.min.map((m) => (Number.isFinite(m) ? m : 0));
    const fill = this.options.fill;
    this.constant = Float64Array.from(this.min, (m, j) => (fill === 'absent' ? -1 : fill === 'zero' ? -m / this.range[j] : count[j] > 0 ? (sum[j] / count[j] - m) / this.range[j] : -1));
    const carry = Float64Array.from(this.constant);
    const series = this.scale(raw, carry);
    this.carryAfterTraining = carry;
    return series;
  }

  /** New data in the training features, time-ordered, scaled and filled (`previous` carries on from the training series). */
  transform(data: DetectorInput): Series {
    if (this.width === 0) throw new Error('omnianomaly: score before fit');
    return this.scale(this.raw(data, false), Float64Array.from(this.carryAfterTraining));
  }

  private scale(raw: Raw, carry: Float64Array): Series {
    const W = raw.width;
    const values = Float32Array.from(raw.values, (v, i) => (Number.isNaN(v) ? NaN : (v - this.min[i % W]) / this.range[i % W]));
    fillGaps(values, W, this.constant, this.options.fill === 'previous', carry);
    return { order: raw.order, width: W, values };
  }

  private raw(data: DetectorInput, learn: boolean): Raw {
    const o = this.options;
    if (o.dimensions === 'microservice') {
      if (!data.traces) throw new InputError({}, 'omnianomaly: dimensions "microservice" needs raw traces; use dimensions "callpath" for STVs');
      const m = responseTimeMatrix(data.traces, this.index, { key: o.key, combine: o.combine, learn });
      return { order: m.order, width: m.width, values: m.values };
    }
    let matrix: StvMatrix;
    if (learn) {
      const t = trainingMatrix(data, { definition: 'prefix', edgeLabel: 'service' });
      const norm = fitNormalisation(t.matrix);
      this.space = { width: t.matrix.width, norm, ...(t.matrix.dimensionIds ? { dimensionIds: t.matrix.dimensionIds } : {}), ...(t.callPaths ? { callPaths: t.callPaths } : {}) };
      matrix = t.matrix;
    } else {
      matrix = testMatrix(data, this.space!).matrix;
    }
    const columns = this.space!.norm.columns;
    const n = matrix.ids.length;
    const order = data.traces ? timeOrder(data.traces) : Int32Array.from({ length: n }, (_, i) => i);
    const W = columns.length;
    const values = new Float64Array(n * W);
    order.forEach((row, k) => {
      for (let j = 0; j < W; j++) {
        const v = matrix.values[row * matrix.width + columns[j]];
        values[k * W + j] = v === ABSENT ? NaN : v;
      }
    });
    return { order, width: W, values };
  }
}
