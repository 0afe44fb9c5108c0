import type { Call, Trace } from '../../src/lib/trace/trace.ts';
import { ENTRANCE } from '../../src/lib/trace/trace.ts';
import { Random } from '../../src/lib/util/random.ts';

/**
 * Hand-made traces for the baselines' unit tests: a call tree whose children run one after another. A node
 * spends `self` ms (+- `sd`, normal) of its own before its first child and between children (`gap`, default 1);
 * its response time covers its children. `delay` shifts the start of a call after its predecessor.
 */
export interface CallNode {
  svc: string;
  self?: number;
  sd?: number;
  delay?: number;
  endpoint?: string;
  status?: string;
  instance?: string;
  children?: CallNode[];
}

/** A trace of the tree; its entrance call arrives at `start` (ms). */
export function treeTrace(id: string, root: CallNode, rng?: Random, start = 1000): Trace {
  const calls: Call[] = [];
  const visit = (node: CallNode, caller: string, parent: number | undefined, start: number): number => {
    const idx = calls.length;
    const call: Call = { caller, callee: node.svc, callSent: start, callReceived: start, responseSent: start, responseReceived: start };
    if (parent !== undefined) call.parent = parent;
    if (node.endpoint !== undefined) call.endpoint = node.endpoint;
    if (node.status !== undefined) call.status = node.status;
    if (node.instance !== undefined) call.instance = node.instance;
    calls.push(call);
    const self = () => Math.max(0.1, (node.self ?? 2) + (rng ? rng.normal() * (node.sd ?? 0) : 0));
    let t = start + self();
    for (const child of node.children ?? []) {
      t += child.delay ?? 0;
      t = visit(child, node.svc, idx, t) + 1;
    }
    const end = t + self();
    call.responseSent = end;
    call.responseReceived = end;
    return end;
  };
  visit(root, ENTRANCE, undefined, start);
  return { id, calls };
}

/** `count` traces of one tree with seeded random self times. */
export function sampleTraces(prefix: string, root: CallNode, count: number, seed: number): Trace[] {
  const rng = new Random(seed);
  return Array.from({ length: count }, (_, i) => treeTrace(`${prefix}${i}`, root, rng));
}

/** A copy of a tree with one node (found by service name, depth-first) changed. */
export function withNode(root: CallNode, svc: string, change: (n: CallNode) => CallNode | null): CallNode {
  const walk = (n: CallNode): CallNode | null => {
    if (n.svc === svc) return change({ ...n });
    const kids = (n.children ?? []).map(walk).filter((c): c is CallNode => c !== null);
    return { ...n, children: kids };
  };
  const out = walk(root);
  if (out === null) throw new Error('cannot remove the root');
  return out;
}

const SMALL: CallNode = { svc: 'front', self: 2, sd: 0.2, children: [{ svc: 'auth', self: 3, sd: 0.3 }, { svc: 'orders', self: 5, sd: 0.5, children: [{ svc: 'db', self: 4, sd: 0.4 }] }] };
const SMALL_WITH_CACHE: CallNode = { ...SMALL, children: [...SMALL.children!, { svc: 'cache', self: 1, sd: 0.1 }] };

/**
 * A small service as a stream, for the time-series baselines (AEVB, OmniAnomaly): front -> auth, then
 * orders -> db; every third trace also calls a cache, so the other traces are missing points of its series.
 * One trace every 100 ms from `t0`; in the traces numbered in `slow`, db takes 40 ms instead of 4 (+- 0.4).
 */
export function smallServiceStream(prefix: string, n: number, seed: number, t0: number, slow: ReadonlySet<number> = new Set()): Trace[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, (_, i) => {
    let root = i % 3 === 0 ? SMALL_WITH_CACHE : SMALL;
    if (slow.has(i)) root = withNode(root, 'db', (d) => ({ ...d, self: 40 }));
    return treeTrace(`${prefix}${i}`, root, rng, t0 + i * 100);
  });
}

/** One trace of the small service (with its cache call) with one node changed, starting at `start`. */
export function smallServiceVariant(id: string, svc: string, change: (n: CallNode) => CallNode | null, start: number): Trace {
  return treeTrace(id, withNode(SMALL_WITH_CACHE, svc, change), undefined, start);
}
