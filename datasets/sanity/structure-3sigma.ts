import type { CallPathList } from '../../src/callpaths/call-path-list.ts';
import { ABSENT } from '../../src/stv/matrix.ts';
import type { Trace } from '../../src/trace/trace.ts';

/**
 * A deliberately small structure-aware 3-sigma check, only for the simulator's sanity figure (how hard the data
 * is), not a baseline: training traces are grouped by their set of valid STV dimensions; per group and dimension,
 * mean and standard deviation (floored at 1 ms, as the STV normalisation does). A test trace is flagged when it has
 * an unseen call path, when no training trace has its set of valid dimensions, or when one of its values leaves
 * mean +- 3 std of its group.
 */
export class StructureThreeSigma {
  private readonly groups = new Map<string, { dims: number[]; n: number; sum: Float64Array; sq: Float64Array }>();
  private readonly row: Float32Array;

  constructor(private readonly list: CallPathList, readonly stdFloor = 1) {
    this.row = new Float32Array(list.width);
  }

  /** Valid dimensions of a trace (in `this.row`), and whether it has unseen paths. */
  private encode(t: Trace): { dims: number[]; unseen: boolean } {
    this.row.fill(ABSENT);
    const unseen = this.list.encodeInto(t, this.row) > 0;
    const dims: number[] = [];
    for (let j = 0; j < this.row.length; j++) if (this.row[j] !== ABSENT) dims.push(j);
    return { dims, unseen };
  }

  fit(train: Iterable<Trace>): this {
    for (const t of train) {
      const { dims } = this.encode(t);
      const key = dims.join(',');
      let g = this.groups.get(key);
      if (g === undefined) this.groups.set(key, (g = { dims, n: 0, sum: new Float64Array(dims.length), sq: new Float64Array(dims.length) }));
      g.n++;
      dims.forEach((j, k) => {
        g.sum[k] += this.row[j];
        g.sq[k] += this.row[j] * this.row[j];
      });
    }
    return this;
  }

  flags(t: Trace): boolean {
    const { dims, unseen } = this.encode(t);
    if (unseen) return true;
    const g = this.groups.get(dims.join(','));
    if (g === undefined) return true;
    return dims.some((j, k) => {
      const mean = g.sum[k] / g.n;
      const std = Math.max(this.stdFloor, Math.sqrt(Math.max(0, g.sq[k] / g.n - mean * mean)));
      return Math.abs(this.row[j] - mean) > 3 * std;
    });
  }
}
