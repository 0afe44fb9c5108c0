import type { DataSplit, Dataset } from '../../src/lib/contracts/dataset.ts';
import { CallPathList } from '../../src/lib/callpaths/call-path-list.ts';
import { datasetFromTraces } from '../../src/harness/experiments/trace-dataset.ts';
import type { Trace, TraceLabel } from '../../src/lib/trace/trace.ts';
import { Random } from '../../src/lib/util/random.ts';
import { treeTrace, type CallNode } from './test-traces.ts';

/**
 * A small service with planted faults, for the root-cause localisers' tests: gateway calls user (which calls
 * cache) and, in half of the requests (`buy`), order, which calls db and then payment; payment calls an external
 * bank API that is not traced (its latency is part of payment's own time). Traffic is uniform in time.
 * Faults, one at a time, each in its window of minutes:
 * - `rt`: the service gets `delay` ms slower (propagating to its callers); label: the delayed calls' dimension ids;
 * - `external`: the bank gets `delay` ms slower, seen as payment; label `external:bank;<payment's dimension ids>`;
 * - `path`: the service is removed; its callers skip the call and answer status 500 up to the gateway; label: the service.
 * Only traces that touch the faulty service are anomalous (the simulator's honest labels).
 */
export interface PlantedFault {
  kind: 'rt' | 'path' | 'external';
  service: string;
  startMin: number;
  endMin: number;
  delay?: number;
}

export const SCENARIO_SERVICES = ['gateway', 'user', 'cache', 'order', 'db', 'payment'];

interface Spec {
  svc: string;
  self: number;
  sd: number;
  children: Spec[];
}
const spec = (svc: string, self: number, sd: number, children: Spec[] = []): Spec => ({ svc, self, sd, children });
const topology = (buy: boolean): Spec =>
  spec('gateway', 2, 0.3, [spec('user', 3, 0.5, [spec('cache', 1, 0.2)]), ...(buy ? [spec('order', 4, 0.6, [spec('db', 8, 1), spec('payment', 10, 1.5)])] : [])]);

/** The call tree of one request under a fault: null for a removed service; `failed` when a call below failed. */
function realise(s: Spec, fault: PlantedFault | null): { node: CallNode | null; failed: boolean; touched: boolean } {
  if (fault?.kind === 'path' && fault.service === s.svc) return { node: null, failed: true, touched: true };
  const kids = s.children.map((c) => realise(c, fault));
  const hit = fault !== null && ((fault.kind === 'rt' && fault.service === s.svc) || (fault.kind === 'external' && s.svc === 'payment'));
  const failed = kids.some((k) => k.failed);
  const node: CallNode = {
    svc: s.svc,
    self: s.self + (hit ? (fault!.delay ?? 100) : 0),
    sd: s.sd,
    status: failed ? '500' : '200',
    children: kids.flatMap((k) => (k.node ? [k.node] : [])),
  };
  return { node, failed, touched: hit || kids.some((k) => k.touched) };
}

const ids = CallPathList.fromTraces([]);

function labelOf(t: Trace, fault: PlantedFault): TraceLabel {
  if (fault.kind === 'path') return { label: 1, anomalyType: 'path', rootCause: fault.service };
  const svc = fault.kind === 'external' ? 'payment' : fault.service;
  const dims = [...new Set(ids.pathsOf(t).filter((p) => p.service === svc).map((p) => p.id))];
  return { label: 1, anomalyType: 'rt', rootCause: [...(fault.kind === 'external' ? ['external:bank'] : []), ...dims].join(';') };
}

/** A stretch of traffic (`minutes` from `startMin`, `perMinute` traces a minute) with faults; labels by id. */
export function timeline(prefix: string, seed: number, startMin: number, minutes: number, perMinute: number, faults: PlantedFault[]): { traces: Trace[]; labels: Map<string, TraceLabel> } {
  const rng = new Random(seed);
  const traces: Trace[] = [];
  const labels = new Map<string, TraceLabel>();
  const n = Math.round(minutes * perMinute);
  for (let i = 0; i < n; i++) {
    const min = startMin + (i + rng.next()) / perMinute;
    const fault = faults.find((f) => f.startMin <= min && min < f.endMin) ?? null;
    const { node, touched } = realise(topology(rng.next() < 0.5), fault);
    const t = treeTrace(`${prefix}${i}`, node!, rng, Math.round(min * 60_000));
    traces.push(t);
    labels.set(t.id, fault !== null && touched ? labelOf(t, fault) : { label: 0 });
  }
  return { traces, labels };
}

export interface ScenarioOptions {
  seed: number;
  /** Test traffic: minutes and traces a minute; faults in test minutes. */
  minutes: number;
  perMinute: number;
  faults: PlantedFault[];
  /** Normal training traces (taken from a stretch before the test). */
  train: number;
}

/** The scenario as a Dataset (traces + STVs), with a labelled fault-injection run of the same faults as `faultTrain`. */
export function faultScenario(o: ScenarioOptions): Dataset {
  const train = timeline('train-', o.seed, -1000, o.train / o.perMinute, o.perMinute, []);
  const test = timeline('test-', o.seed + 1, 0, o.minutes, o.perMinute, o.faults);
  const ds = datasetFromTraces({ name: 'planted-faults', description: 'small service with planted faults', train: { traces: train.traces }, test, provenance: { seed: o.seed } });
  const injected = timeline('inject-', o.seed + 2, 2000, o.minutes, o.perMinute, o.faults.map((f) => ({ ...f, startMin: f.startMin + 2000, endMin: f.endMin + 2000 })));
  const faultTrain: DataSplit = { traces: injected.traces, labels: injected.labels };
  return { ...ds, faultTrain };
}

/** Faults at five services, 15 minutes apart after an hour of normal traffic. */
export const DEFAULT_FAULTS: PlantedFault[] = [
  { kind: 'rt', service: 'db', startMin: 60, endMin: 65, delay: 60 },
  { kind: 'external', service: 'bank', startMin: 75, endMin: 80, delay: 80 },
  { kind: 'rt', service: 'cache', startMin: 90, endMin: 95, delay: 40 },
  { kind: 'path', service: 'db', startMin: 105, endMin: 110 },
  { kind: 'rt', service: 'user', startMin: 120, endMin: 125, delay: 40 },
];
