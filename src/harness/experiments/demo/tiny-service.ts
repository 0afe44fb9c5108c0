import type { Call, Trace, TraceLabel } from '../../../lib/trace/trace.ts';
import { ENTRANCE } from '../../../lib/trace/trace.ts';
import { Random } from '../../../lib/util/random.ts';

/** A call tree: a service, its own processing time (ms) and the calls it makes, in order. */
interface Node {
  service: string;
  self: number;
  children: Node[];
}

/** Lays a call tree out in time: each call is sent 1 ms after the previous sibling returned and takes 1 ms each way. */
export function traceFromTree(id: string, root: Node, start = 1_600_000_000_000): Trace {
  const calls: Call[] = [];
  const visit = (node: Node, caller: string, sent: number, parent: number | undefined): number => {
    const index = calls.length;
    const received = sent + 1;
    const call: Call = { caller, callee: node.service, callSent: sent, callReceived: received, responseSent: 0, responseReceived: 0 };
    if (parent !== undefined) call.parent = parent;
    calls.push(call);
    let t = received + node.self / 2;
    for (const child of node.children) t = visit(child, node.service, t, index) + 1;
    call.responseSent = t + node.self / 2;
    call.responseReceived = call.responseSent + 1;
    return call.responseReceived;
  };
  visit(root, ENTRANCE, start, undefined);
  const entrance = calls[0];
  delete entrance.callSent;
  delete entrance.responseReceived;
  return { id, calls };
}

export interface TinyServiceOptions {
  seed: number;
  train: number;
  testNormal: number;
  /** Anomalies per type in the test set. */
  testAnomalies: number;
}

/**
 * A tiny made-up service for the demo experiment and the runner's tests: frontend -> auth, then orders -> db,
 * with an optional cache call; response times are normal around fixed means. Test anomalies are `rt` (db 40 ms
 * slower) and `path` (orders calls db-replica instead of db); their root cause is the service at fault.
 */
export function tinyService(o: TinyServiceOptions): { train: Trace[]; test: Trace[]; labels: Map<string, TraceLabel> } {
  const r = new Random(o.seed);
  const ms = (mean: number, sd: number) => Math.max(0.5, Math.round((mean + sd * r.normal()) * 10) / 10);
  const make = (id: string, kind: 'normal' | 'rt' | 'path'): Trace => {
    const db: Node = { service: kind === 'path' ? 'db-replica' : 'db', self: ms(kind === 'rt' ? 50 : 10, 2), children: [] };
    const orders: Node = { service: 'orders', self: ms(6, 1), children: [db] };
    const front: Node = { service: 'frontend', self: ms(4, 1), children: [{ service: 'auth', self: ms(8, 1.5), children: [] }, orders] };
    if (r.next() < 0.3) front.children.push({ service: 'cache', self: ms(2, 0.5), children: [] });
    return traceFromTree(id, front);
  };
  const train = Array.from({ length: o.train }, (_, i) => make(`train-${i}`, 'normal'));
  const test: Trace[] = [];
  const labels = new Map<string, TraceLabel>();
  const add = (kind: 'normal' | 'rt' | 'path', n: number) => {
    for (let i = 0; i < n; i++) {
      const t = make(`test-${kind}-${i}`, kind);
      test.push(t);
      labels.set(t.id, kind === 'normal' ? { label: 0 } : { label: 1, anomalyType: kind, rootCause: 'db' });
    }
  };
  add('normal', o.testNormal);
  add('rt', o.testAnomalies);
  add('path', o.testAnomalies);
  // interleave so that row order says nothing about labels
  const order = r.permutation(test.length);
  return { train, test: Array.from(order, (i) => test[i]), labels };
}
