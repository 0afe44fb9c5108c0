/**
 * The workflow automaton of the WFG baseline (spec 2.3, step 2), learned from key-id sequences that end with EOS:
 * a prefix-tree acceptor (PTA) of the distinct training sequences whose states are then merged into classes,
 * - `ktails` (k-tails, default k = 2): PTA states with the same set of next-k-key strings (padded with the end
 *   marker) become one state; the result may be nondeterministic and is kept as an NFA;
 * - `bigram`: a state is the last key read (plus the start state), so the automaton generalises more.
 * Every training sequence is accepted by construction; a sequence is accepted when all its keys, EOS included,
 * can be read from the start state.
 */
export const FSA_LEARNERS = ['ktails', 'bigram'] as const;
export type FsaLearner = (typeof FSA_LEARNERS)[number];

export interface LearnedAutomaton {
  automaton: Automaton;
  /** For each input sequence, the edge taken at each of its steps (a consistent run). */
  edgeRuns: Int32Array[];
  /** For each input sequence, the state after each step (index 0 = the start state). */
  stateRuns: Int32Array[];
}

/** The result of reading a sequence. */
export interface Run {
  /** Steps read before the automaton had no transition (= the length when accepted). */
  read: number;
  /** An edge per step read, along one consistent run. */
  edges: Int32Array;
  /** The state after each step read, index 0 = start. */
  states: Int32Array;
}

export class Automaton {
  /** (state * keys + key) -> [target, edge, target, edge, ...] */
  private readonly trans = new Map<number, number[]>();
  private edgeList: number[] = [];

  private constructor(
    readonly start: number,
    readonly states: number,
    private readonly keys: number,
  ) {}

  get edges(): number {
    return this.edgeList.length / 3;
  }

  /** An edge as (from, key, to). */
  edge(e: number): [number, number, number] {
    return [this.edgeList[3 * e], this.edgeList[3 * e + 1], this.edgeList[3 * e + 2]];
  }

  private edgeOf(from: number, key: number, to: number, create: boolean): number {
    const k = from * this.keys + key;
    let list = this.trans.get(k);
    if (list !== undefined) for (let i = 0; i < list.length; i += 2) if (list[i] === to) return list[i + 1];
    if (!create) return -1;
    if (list === undefined) this.trans.set(k, (list = []));
    const e = this.edges;
    list.push(to, e);
    this.edgeList.push(from, key, to);
    return e;
  }

  /** Transitions on `key` from `from`: [target, edge, ...] (empty when none). */
  next(from: number, key: number): readonly number[] {
    return this.trans.get(from * this.keys + key) ?? EMPTY;
  }

  /**
   * Reads a sequence by subset simulation; when some step has no transition, stops there. The run returned is
   * one consistent path through the states reached (recovered backwards), for timing checks.
   */
  read(seq: Int32Array): Run {
    const n = seq.length;
    const sets: number[][] = [[this.start]];
    let read = 0;
    for (; read < n; read++) {
      const cur = sets[read];
      const nxt: number[] = [];
      const key = seq[read];
      if (key >= 0 && key < this.keys) {
        for (const s of cur) {
          const list = this.next(s, key);
          for (let i = 0; i < list.length; i += 2) if (!nxt.includes(list[i])) nxt.push(list[i]);
        }
      }
      if (nxt.length === 0) break;
      sets.push(nxt);
    }
    const edges = new Int32Array(read);
    const states = new Int32Array(read + 1);
    let cur = sets[read][0];
    states[read] = cur;
    for (let j = read; j >= 1; j--) {
      const key = seq[j - 1];
      let found = false;
      for (const s of sets[j - 1]) {
        const list = this.next(s, key);
        for (let i = 0; i < list.length; i += 2) {
          if (list[i] === cur) {
            edges[j - 1] = list[i + 1];
            cur = s;
            found = true;
            break;
          }
        }
        if (found) break;
      }
      states[j - 1] = cur;
    }
    return { read, edges, states };
  }

  /** Learns the automaton of distinct sequences over key ids 0..keys-1 (each sequence should end with EOS). */
  static learn(seqs: readonly Int32Array[], keys: number, learner: FsaLearner, k = 2): LearnedAutomaton {
    const pta = new PrefixTree(keys);
    const nodeRuns = seqs.map((s) => pta.insert(s));
    const { classOf, classes } = learner === 'bigram' ? bigramClasses(pta) : kTailClasses(pta, k);
    const a = new Automaton(classOf[0], classes, keys);
    const edgeRuns: Int32Array[] = [];
    const stateRuns: Int32Array[] = [];
    for (let i = 0; i < seqs.length; i++) {
      const nodes = nodeRuns[i];
      const seq = seqs[i];
      const edges = new Int32Array(seq.length);
      const states = new Int32Array(seq.length + 1);
      states[0] = classOf[nodes[0]];
      for (let j = 0; j < seq.length; j++) {
        states[j + 1] = classOf[nodes[j + 1]];
        edges[j] = a.edgeOf(states[j], seq[j], states[j + 1], true);
      }
      edgeRuns.push(edges);
      stateRuns.push(states);
    }
    return { automaton: a, edgeRuns, stateRuns };
  }
}

const EMPTY: readonly number[] = [];

/** A prefix tree of key-id sequences; node 0 is the root, children are created after their parents. */
class PrefixTree {
  readonly incoming: number[] = [-1];
  readonly firstChild: number[] = [-1];
  readonly nextSibling: number[] = [-1];
  private readonly child = new Map<number, number>();

  constructor(private readonly keys: number) {}

  get size(): number {
    return this.incoming.length;
  }

  /** Inserts a sequence; returns the node after each prefix (index 0 = root). */
  insert(seq: Int32Array): Int32Array {
    const path = new Int32Array(seq.length + 1);
    let node = 0;
    for (let j = 0; j < seq.length; j++) {
      const k = node * this.keys + seq[j];
      let c = this.child.get(k);
      if (c === undefined) {
        c = this.incoming.length;
        this.child.set(k, c);
        this.incoming.push(seq[j]);
        this.firstChild.push(-1);
        this.nextSibling.push(this.firstChild[node]);
        this.firstChild[node] = c;
      }
      node = c;
      path[j + 1] = node;
    }
    return path;
  }
}

/**
 * k-tails: the set of next-k-key strings of a PTA node is determined, because the tree is deterministic, by the
 * keys of its children and the (k-1)-tails of those children, so equal k-tails are found by interning those
 * signatures level by level (a node without children has the tail "$...$").
 */
function kTailClasses(pta: PrefixTree, k: number): { classOf: Int32Array; classes: number } {
  const n = pta.size;
  let prev = new Int32Array(n); // 0-tails: all equal
  let count = 1;
  for (let level = 1; level <= Math.max(1, k); level++) {
    const cur = new Int32Array(n);
    const intern = new Map<string, number>();
    const pairs: number[] = [];
    // children have larger ids than their parents, so any order works at a fixed level
    for (let q = 0; q < n; q++) {
      pairs.length = 0;
      for (let c = pta.firstChild[q]; c >= 0; c = pta.nextSibling[c]) pairs.push(pta.incoming[c] * n + prev[c]); // exact: prev[c] < n
      let sig: string;
      if (pairs.length === 0) sig = '$';
      else if (pairs.length === 1) sig = `${pairs[0]}`;
      else sig = pairs.sort((a, b) => a - b).join(',');
      let id = intern.get(sig);
      if (id === undefined) intern.set(sig, (id = intern.size));
      cur[q] = id;
    }
    prev = cur;
    count = intern.size;
  }
  return { classOf: prev, classes: count };
}

/** Bigram states: the last key read (start = its own state). */
function bigramClasses(pta: PrefixTree): { classOf: Int32Array; classes: number } {
  const n = pta.size;
  const classOf = new Int32Array(n);
  let max = 0;
  for (let q = 1; q < n; q++) {
    classOf[q] = pta.incoming[q] + 1;
    if (classOf[q] > max) max = classOf[q];
  }
  return { classOf, classes: max + 1 };
}
