import { CallPathList } from '../../src/lib/callpaths/call-path-list.ts';
import type { Dataset } from '../../src/lib/contracts/dataset.ts';
import { ABSENT, type StvMatrix } from '../../src/lib/stv/matrix.ts';

/**
 * The structural statistics by which the simulated TrainTicket day is compared with the released vectors (issue
 * 16, `npm run sim:sanity`): how many valid STV dimensions traces have, how many anomalous traces have a set of
 * valid dimensions that no normal trace has, how such sets relate to the normal ones (a flow cut short or with calls
 * missing is a strict subset of a normal set), the rt/path mix and unseen call paths. Only structure: no
 * detector's score goes into them.
 */
export interface StructureStats {
  normal: number;
  anomalous: number;
  /** Valid dimensions per trace: quartiles of the normal and of the anomalous test traces. */
  normalDims: Quartiles;
  anomalousDims: Quartiles;
  /** Share of the anomalous traces whose set of valid dimensions no normal trace (training or test) has. */
  unseenSetShare: number;
  /** Of those traces: the share whose set is a strict subset of some normal set, and of a strict superset. */
  unseenSubsetShare: number;
  unseenSupersetShare: number;
  /** Distinct sets of valid dimensions among normal and among anomalous traces. */
  normalSets: number;
  anomalousSets: number;
  /** Share of the anomalous traces of each type (rt, path); empty when the data does not say. */
  typeShares: Record<string, number>;
  /** Per anomaly type: its traces' valid dimensions and the share of them with a set no normal trace has. */
  byType: Record<string, { dims: Quartiles; unseenSetShare: number }>;
  /** Share of the anomalous traces with a call path that training never had (an unseen call path). */
  unseenPathShare: number;
  /**
   * The flow that carries the most anomalies. An anomalous trace belongs to the smallest normal set of valid
   * dimensions that contains its own (the flow it was cut from, or the flow itself); the flow with most anomalous
   * traces: its number of dimensions, its share of the anomalous traces and its share of the normal ones.
   */
  topFlow: { dims: number; anomalousShare: number; normalShare: number };
}

export interface Quartiles {
  q1: number;
  median: number;
  q3: number;
}

/** Quartiles as the nearest-rank values (every value is a whole count of dimensions). */
export function quartiles(values: number[]): Quartiles {
  const s = values.slice().sort((a, b) => a - b);
  const at = (p: number) => (s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]);
  return { q1: at(0.25), median: at(0.5), q3: at(0.75) };
}

/** The valid dimensions of each row of a matrix (ascending). */
export function validSets(m: StvMatrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.ids.length; i++) {
    const dims: number[] = [];
    for (let j = 0; j < m.width; j++) if (m.values[i * m.width + j] !== ABSENT) dims.push(j);
    out.push(dims);
  }
  return out;
}

const isSubset = (a: number[], b: Set<number>): boolean => a.every((d) => b.has(d));

/**
 * The statistics of a labelled dataset with STVs (raw traces too, for unseen call paths). "Normal sets" are those
 * of the normal traces of the test day: the normal test traces, and with `trainIsTestDay` the training traces too
 * (the released vectors' training split is drawn from the same normal test day; a simulated training day is
 * another day, with its own glitches, and is left out, so that both data sets are measured alike).
 */
export function structureStats(d: Dataset, o: { trainIsTestDay?: boolean } = {}): StructureStats {
  const train = d.train.stv;
  const test = d.test.stv;
  if (!train || !test || !d.test.labels) throw new Error(`dataset ${d.name}: the structure statistics need STVs and test labels`);
  const labels = test.ids.map((id) => d.test.labels!.get(id)!);
  const testSets = validSets(test);
  const normalKeys = new Map<string, Set<number>>();
  const normalCount = new Map<string, number>();
  const addNormal = (dims: number[]) => {
    const key = dims.join(',');
    normalKeys.set(key, new Set(dims));
    normalCount.set(key, (normalCount.get(key) ?? 0) + 1);
  };
  if (o.trainIsTestDay) for (const dims of validSets(train)) addNormal(dims);
  testSets.forEach((dims, i) => labels[i].label === 0 && addNormal(dims));
  const normalDims: number[] = [];
  const anomalousDims: number[] = [];
  const anomalousKeys = new Set<string>();
  let unseen = 0;
  let subset = 0;
  let superset = 0;
  const types = new Map<string, number>();
  const typeDims = new Map<string, number[]>();
  const typeUnseen = new Map<string, number>();
  const normalSets = [...normalKeys.values()];
  const unseenPathRows = unseenPathsOf(d);
  let unseenPaths = 0;
  const byFlow = new Map<string, number>();
  const flowOf = (dims: number[]): string | null => {
    let best: string | null = null;
    for (const [k, n] of normalKeys) {
      if (n.size < dims.length || !isSubset(dims, n)) continue;
      const b = best === null ? null : normalKeys.get(best)!;
      if (b === null || n.size < b.size || (n.size === b.size && normalCount.get(k)! > normalCount.get(best!)!)) best = k;
    }
    return best;
  };
  testSets.forEach((dims, i) => {
    if (labels[i].label === 0) return void normalDims.push(dims.length);
    anomalousDims.push(dims.length);
    const key = dims.join(',');
    const flow = flowOf(dims);
    if (flow !== null) byFlow.set(flow, (byFlow.get(flow) ?? 0) + 1);
    anomalousKeys.add(key);
    const type = labels[i].anomalyType;
    if (type) {
      types.set(type, (types.get(type) ?? 0) + 1);
      if (!typeDims.has(type)) typeDims.set(type, []);
      typeDims.get(type)!.push(dims.length);
    }
    if (unseenPathRows.has(i)) unseenPaths++;
    if (normalKeys.has(key)) return;
    unseen++;
    if (type) typeUnseen.set(type, (typeUnseen.get(type) ?? 0) + 1);
    const own = new Set(dims);
    if (normalSets.some((n) => n.size > dims.length && isSubset(dims, n))) subset++;
    if (normalSets.some((n) => n.size < dims.length && isSubset([...n], own))) superset++;
  });
  const a = anomalousDims.length;
  const normalTotal = [...normalCount.values()].reduce((x, y) => x + y, 0);
  const top = [...byFlow].sort((x, y) => y[1] - x[1])[0];
  const topFlow = top === undefined ? { dims: 0, anomalousShare: 0, normalShare: 0 } : { dims: normalKeys.get(top[0])!.size, anomalousShare: top[1] / a, normalShare: normalCount.get(top[0])! / normalTotal };
  return {
    normal: normalDims.length,
    anomalous: a,
    normalDims: quartiles(normalDims),
    anomalousDims: quartiles(anomalousDims),
    unseenSetShare: unseen / a,
    unseenSubsetShare: unseen === 0 ? NaN : subset / unseen,
    unseenSupersetShare: unseen === 0 ? NaN : superset / unseen,
    normalSets: normalKeys.size,
    anomalousSets: anomalousKeys.size,
    typeShares: Object.fromEntries([...types].sort().map(([t, n]) => [t, n / a])),
    byType: Object.fromEntries([...typeDims].sort().map(([t, d]) => [t, { dims: quartiles(d), unseenSetShare: (typeUnseen.get(t) ?? 0) / d.length }])),
    unseenPathShare: unseenPaths / a,
    topFlow,
  };
}

/** Test rows with a call path outside the training list: from the raw traces; from STVs, no such row can exist. */
function unseenPathsOf(d: Dataset): Set<number> {
  const rows = new Set<number>();
  if (!d.train.traces || !d.test.traces) return rows;
  const list = CallPathList.fromTraces(d.train.traces);
  d.test.traces.forEach((t, i) => list.encodeSparse(t).unseen > 0 && rows.add(i));
  return rows;
}
