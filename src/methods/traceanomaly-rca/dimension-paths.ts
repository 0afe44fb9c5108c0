import type { CallPathList } from '../../lib/callpaths/call-path-list.ts';
import { parseWhole } from '../../lib/stv/whitelist.ts';

const SEP = '\u0001';

/**
 * What the STV dimensions of a reference are, as call paths: per dimension its service and steps (from the call
 * path list on traces, or by parsing dimension ids such as `e(start->a,a->b,b->e)` on STVs), and the prefix tree
 * they form, to find the longest common path of a trace's path with the list and what is called next after it
 * (paper sec. II-D). On vector-only data (no dimension ids) nothing is known: `known` is false.
 */
export class DimensionPaths {
  /** Per dimension: number of steps of its call path, -1 when unknown. */
  readonly lengths: Int32Array;
  readonly services: string[];
  readonly steps: (string[] | null)[];
  private readonly byKey = new Map<string, number>();
  private readonly children = new Map<string, number[]>();

  constructor(width: number, list: CallPathList | null, ids: string[] | undefined) {
    this.lengths = new Int32Array(width).fill(-1);
    // a dimension without a call path is named by its id when the data name it (an stv.csv's own column names)
    this.services = Array.from({ length: width }, (_, d) => ids?.[d] ?? `dimension ${d}`);
    this.steps = new Array(width).fill(null);
    for (let d = 0; d < width; d++) {
      const dim = list ? list.dimensions[d] : ids?.[d] !== undefined ? parseWhole(ids[d]) : null;
      if (!dim) continue;
      this.lengths[d] = dim.path.length;
      this.services[d] = dim.service;
      this.steps[d] = dim.path;
      const key = dim.path.join(SEP);
      this.byKey.set(key, d);
      const parent = dim.path.slice(0, -1).join(SEP);
      let kids = this.children.get(parent);
      if (kids === undefined) this.children.set(parent, (kids = []));
      kids.push(d);
    }
  }

  /** Whether any dimension has a known call path. */
  get known(): boolean {
    return this.byKey.size > 0;
  }

  /** The dimension whose call path is exactly these steps, or -1. */
  dimensionOf(steps: readonly string[]): number {
    return this.byKey.get(steps.join(SEP)) ?? -1;
  }

  /**
   * The longest common path of `steps` with the list: the number m of leading steps that form a call path of the
   * list (call path lists are prefix-closed: a call's path extends the path of an earlier call or of its parent).
   */
  commonLength(steps: readonly string[]): number {
    let key = '';
    let m = 0;
    for (; m < steps.length; m++) {
      key = m === 0 ? steps[0] : key + SEP + steps[m];
      if (!this.byKey.has(key)) break;
    }
    return m;
  }

  /** The dimensions whose call path is the first m steps plus one more: the next called microservices. */
  nextAfter(steps: readonly string[], m: number): number[] {
    return this.children.get(steps.slice(0, m).join(SEP)) ?? [];
  }
}
