import type { Call, Trace } from '../../src/trace/trace.ts';
import { ENTRANCE } from '../../src/trace/trace.ts';
import { Random } from '../../src/util/random.ts';

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
