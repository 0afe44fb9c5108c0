import type { Trace } from '../trace/trace.ts';
import { responseTime } from '../trace/trace.ts';
import { callOrder } from './order.ts';
import { EdgeCatalog, type EdgeLabel } from './edges.ts';

/** The value of an STV dimension a trace lacks (paper sec. II-C: -1); src/lib/stv/matrix.ts re-exports it. */
export const ABSENT = -1;

/**
 * How the call path of a call is defined:
 * - `prefix` (the paper, sec. II-B): the first k call messages of the trace in message order, for the k-th call;
 * - `ancestors` (an ablation): only the chain of calls from the entrance down to this call.
 */
export const PATH_DEFINITIONS = ['prefix', 'ancestors'] as const;
export type PathDefinition = (typeof PATH_DEFINITIONS)[number];

export interface CallPathOptions {
  definition?: PathDefinition;
  edgeLabel?: EdgeLabel;
}

/** One STV dimension: a (microservice, call path) pair. */
export interface Dimension {
  /** Readable id, e.g. `e(start->a,a->b,b->c,b->d,d->e,b->e)`. */
  id: string;
  service: string;
  /** The steps of the call path, `caller->callee` each. */
  path: string[];
}

/** The call paths of one trace, in message order. */
export interface TracePaths {
  /** Call indexes in message order. */
  order: Int32Array;
  /** For each position in `order`: the trie node of its call path, or -1 when the path is not in the list. */
  nodes: Int32Array;
}

export interface CallPathListJson {
  format: 'traceanomaly-callpaths';
  version: 1;
  definition: PathDefinition;
  edgeLabel: EdgeLabel;
  dimensions: Dimension[];
}

export const pathId = (service: string, path: readonly string[]): string => `${service}(${path.join(',')})`;

const EDGE_SPACE = 2 ** 22;
const ROOT = 0;

/**
 * The call path list of a service (paper sec. II-C): the set of (microservice, call path) pairs seen in training,
 * one STV dimension each. Paths live in a prefix tree keyed by interned steps, so that finding the path of a
 * call costs one hash look-up from the path it extends, never a comparison of whole paths.
 */
export class CallPathList {
  readonly definition: PathDefinition;
  readonly edges: EdgeCatalog;
  /** Trie: (parent node, edge) -> child node. Node 0 is the empty path. */
  private readonly child = new Map<number, number>();
  private nodeParent: number[] = [-1];
  private nodeEdge: number[] = [-1];
  private nodeService: string[] = [''];
  private dimOfNode = new Int32Array(0);
  private dims: Dimension[] = [];
  private frozen = false;
  private scratchOrder = new Int32Array(64);
  private scratchNodes = new Int32Array(64);

  private constructor(opts: CallPathOptions) {
    this.definition = opts.definition ?? 'prefix';
    this.edges = new EdgeCatalog(opts.edgeLabel ?? 'service');
  }

  /** The list of all call paths in these (training) traces, dimensions sorted by their steps. */
  static fromTraces(traces: Iterable<Trace>, opts: CallPathOptions = {}): CallPathList {
    const list = new CallPathList(opts);
    for (const t of traces) list.learn(t);
    list.freeze();
    return list;
  }

  /** Streaming build: call `learn` for each training trace, then `freeze`. */
  static builder(opts: CallPathOptions = {}): CallPathList {
    return new CallPathList(opts);
  }

  static fromJSON(json: CallPathListJson): CallPathList {
    if (typeof json !== 'object' || json === null || json.format !== 'traceanomaly-callpaths') throw new Error('not a call path list (format field)');
    if (json.version !== 1) throw new Error(`unknown call path list version ${JSON.stringify(json.version)} (this version reads 1)`);
    if (json.definition !== 'prefix' && json.definition !== 'ancestors') throw new Error(`unknown "definition" ${JSON.stringify(json.definition)} (prefix or ancestors)`);
    if (json.edgeLabel !== 'service' && json.edgeLabel !== 'endpoint') throw new Error(`unknown "edgeLabel" ${JSON.stringify(json.edgeLabel)} (service or endpoint)`);
    if (!Array.isArray(json.dimensions)) throw new Error('"dimensions" is not a list');
    json.dimensions.forEach((d, i) => {
      const ok = typeof d === 'object' && d !== null && typeof d.id === 'string' && typeof d.service === 'string' && Array.isArray(d.path) && d.path.length > 0 && d.path.every((s) => typeof s === 'string');
      if (!ok) throw new Error(`dimension ${i + 1} is not {"id": string, "service": string, "path": [steps]}`);
    });
    const list = new CallPathList({ definition: json.definition, edgeLabel: json.edgeLabel });
    const nodes: number[] = [];
    for (const d of json.dimensions) {
      let node = ROOT;
      for (const label of d.path) node = list.childOrCreate(node, list.edges.edgeOfLabel(label), d.service);
      nodes.push(node);
    }
    list.dims = json.dimensions.map((d) => ({ id: d.id, service: d.service, path: [...d.path] }));
    list.dimOfNode = new Int32Array(list.nodeParent.length).fill(-1);
    nodes.forEach((node, i) => (list.dimOfNode[node] = i));
    list.frozen = true;
    return list;
  }

  toJSON(): CallPathListJson {
    return { format: 'traceanomaly-callpaths', version: 1, definition: this.definition, edgeLabel: this.edges.edgeLabel, dimensions: this.dims };
  }

  get width(): number {
    return this.dims.length;
  }

  get dimensions(): readonly Dimension[] {
    return this.dims;
  }

  get dimensionIds(): string[] {
    return this.dims.map((d) => d.id);
  }

  /** Adds a training trace's call paths. */
  learn(trace: Trace): void {
    if (this.frozen) throw new Error('call path list is frozen');
    this.walk(trace, true);
  }

  /** Ends learning: numbers the dimensions in the order of their steps (a depth-first walk of the trie). */
  freeze(): void {
    if (this.frozen) return;
    const n = this.nodeParent.length;
    // children of each node, sorted by their step: a pre-order walk then lists the paths in the order of their
    // steps (a path before its extensions), comparing steps, never whole paths
    const start = new Int32Array(n + 1);
    for (let node = 1; node < n; node++) start[this.nodeParent[node] + 1]++;
    for (let v = 0; v < n; v++) start[v + 1] += start[v];
    const children = new Int32Array(Math.max(n - 1, 0));
    const fill = start.slice(0, n);
    for (let node = 1; node < n; node++) children[fill[this.nodeParent[node]]++] = node;
    const label = (node: number) => this.edges.labels[this.nodeEdge[node]];
    for (let v = 0; v < n; v++) {
      if (start[v + 1] - start[v] > 1) children.subarray(start[v], start[v + 1]).sort((a, b) => (label(a) < label(b) ? -1 : label(a) > label(b) ? 1 : 0));
    }
    this.dimOfNode = new Int32Array(n).fill(-1);
    this.dims = [];
    const pathOf = new Array<string[]>(n);
    pathOf[ROOT] = [];
    const stack = [ROOT];
    while (stack.length > 0) {
      const v = stack.pop()!;
      if (v !== ROOT) {
        const path = [...pathOf[this.nodeParent[v]], label(v)];
        pathOf[v] = path;
        this.dimOfNode[v] = this.dims.length;
        this.dims.push({ id: pathId(this.nodeService[v], path), service: this.nodeService[v], path });
      }
      for (let k = start[v + 1] - 1; k >= start[v]; k--) stack.push(children[k]);
    }
    this.frozen = true;
  }

  /**
   * Writes a trace's STV into `row` (length `width`, pre-filled with ABSENT): the response time of each call at
   * its path's dimension (the mean when a path occurs more than once, possible with `ancestors`).
   * Returns the number of calls whose path is not in the list (unseen call paths).
   */
  encodeInto(trace: Trace, row: Float32Array): number {
    const { order, nodes } = this.walk(trace, false);
    let unseen = 0;
    let repeats: Map<number, number> | undefined;
    const calls = trace.calls;
    for (let k = 0; k < order.length; k++) {
      const node = nodes[k];
      const d = node >= 0 ? this.dimOfNode[node] : -1;
      if (d < 0) {
        unseen++;
        continue;
      }
      const rt = responseTime(calls[order[k]]);
      if (row[d] === ABSENT) row[d] = rt;
      else {
        repeats ??= new Map();
        repeats.set(d, (repeats.get(d) ?? 1) + 1);
        row[d] += rt;
      }
    }
    if (repeats) for (const [d, count] of repeats) row[d] /= count;
    return unseen;
  }

  /**
   * The sparse form of `encode`: the trace's valid dimensions in ascending order with their response times (the
   * mean for a repeated path), and the number of calls whose path is not in the list. Costs O(calls), however
   * wide the list is.
   */
  encodeSparse(trace: Trace): { dims: Int32Array; values: Float64Array; unseen: number } {
    const { order, nodes } = this.walk(trace, false);
    const pairs: [number, number][] = [];
    let unseen = 0;
    for (let k = 0; k < order.length; k++) {
      const d = nodes[k] >= 0 ? this.dimOfNode[nodes[k]] : -1;
      if (d < 0) unseen++;
      else pairs.push([d, responseTime(trace.calls[order[k]])]);
    }
    pairs.sort((a, b) => a[0] - b[0]);
    const dims: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < pairs.length; ) {
      let j = i;
      let sum = 0;
      while (j < pairs.length && pairs[j][0] === pairs[i][0]) sum += pairs[j++][1];
      dims.push(pairs[i][0]);
      values.push(sum / (j - i));
      i = j;
    }
    return { dims: Int32Array.from(dims), values: Float64Array.from(values), unseen };
  }

  /** Per call (in the trace's input order), the dimension of its call path, -1 when the list lacks it. O(calls). */
  callDimensions(trace: Trace): Int32Array {
    const { order, nodes } = this.walk(trace, false);
    const out = new Int32Array(trace.calls.length).fill(-1);
    for (let k = 0; k < order.length; k++) if (nodes[k] >= 0) out[order[k]] = this.dimOfNode[nodes[k]];
    return out;
  }

  /** The trace's STV as a new row. */
  encode(trace: Trace): { row: Float32Array; unseen: number } {
    const row = new Float32Array(this.width).fill(ABSENT);
    const unseen = this.encodeInto(trace, row);
    return { row, unseen };
  }

  /** The call paths of a trace, each as its steps, in message order, with whether each is in the list. */
  pathsOf(trace: Trace): { service: string; path: string[]; id: string; known: boolean; call: number }[] {
    const { order, nodes } = this.walk(trace, false);
    const base = this.bases(trace, order);
    const labels: string[][] = [];
    const out = [];
    for (let k = 0; k < order.length; k++) {
      const call = trace.calls[order[k]];
      const path = [...(base[k] < 0 ? [] : labels[base[k]]), this.edges.labelOf(call)];
      labels.push(path);
      const known = nodes[k] >= 0 && this.dimOfNode[nodes[k]] >= 0;
      out.push({ service: call.callee, path, id: pathId(call.callee, path), known, call: order[k] });
    }
    return out;
  }

  /** For each position in message order: the position whose path this call's path extends (-1: the empty path). */
  private bases(trace: Trace, order: Int32Array): Int32Array {
    const base = new Int32Array(order.length);
    if (this.definition === 'prefix') {
      for (let k = 0; k < order.length; k++) base[k] = k - 1;
      return base;
    }
    const pos = new Int32Array(trace.calls.length);
    for (let k = 0; k < order.length; k++) pos[order[k]] = k;
    for (let k = 0; k < order.length; k++) {
      const p = trace.calls[order[k]].parent;
      base[k] = p === undefined ? -1 : pos[p];
    }
    return base;
  }

  /** Finds (or, when learning, creates) the trie node of every call's path. */
  private walk(trace: Trace, create: boolean): TracePaths {
    const calls = trace.calls;
    const n = calls.length;
    if (this.scratchOrder.length < n) {
      this.scratchOrder = new Int32Array(n * 2);
      this.scratchNodes = new Int32Array(n * 2);
    }
    const order = callOrder(calls, this.scratchOrder);
    const nodes = this.scratchNodes.subarray(0, n);
    const prefix = this.definition === 'prefix';
    let nodeOfCall: Int32Array | undefined;
    if (!prefix) nodeOfCall = new Int32Array(n).fill(-2);
    for (let k = 0; k < n; k++) {
      const ci = order[k];
      const call = calls[ci];
      let base: number;
      if (prefix) base = k === 0 ? ROOT : nodes[k - 1];
      else {
        const p = call.parent;
        base = p === undefined ? ROOT : nodeOfCall![p];
        if (base === -2) base = -1; // parent not yet placed (a parent that starts after its child): unseen
      }
      let node = -1;
      if (base >= 0) {
        const e = this.edges.edgeOf(call, create);
        if (e >= 0) node = create ? this.childOrCreate(base, e, call.callee) : (this.child.get(base * EDGE_SPACE + e) ?? -1);
      }
      nodes[k] = node;
      if (nodeOfCall) nodeOfCall[ci] = node;
    }
    return { order, nodes };
  }

  private childOrCreate(base: number, edge: number, service: string): number {
    const key = base * EDGE_SPACE + edge;
    let node = this.child.get(key);
    if (node === undefined) {
      if (edge >= EDGE_SPACE) throw new Error('too many distinct call steps');
      node = this.nodeParent.length;
      this.child.set(key, node);
      this.nodeParent.push(base);
      this.nodeEdge.push(edge);
      this.nodeService.push(service);
    }
    return node;
  }
}
