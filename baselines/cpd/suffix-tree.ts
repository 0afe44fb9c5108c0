import { BOS, UNK } from '../../src/lib/trace-features/vocabulary.ts';
import { choice, defaultsOf, int, num, optionSchema, type OptionsOfShape } from '../../src/lib/options/schema.ts';

/**
 * A prediction suffix tree (Ron, Singer and Tishby; as used by Bejerano and by Sun et al.; spec 5.3): contexts
 * are strings of preceding keys, kept when frequent (P^(s) >= pMin) and up to length L; a context enters the
 * tree when for some next key sigma, P^(sigma|s) >= (1 + a) gammaMin and P^(sigma|s) / P^(sigma|suffix(s)) is
 * >= r or <= 1/r (its suffixes come with it). `model: 'vomm'` skips that significance test (a variable-order
 * Markov model with back-off to the longest frequent context). Each sequence is read after a BOS context symbol.
 * Probabilities are smoothed: gamma_s(sigma) = (1 - |Sigma| gammaMin) P^(sigma|s) + gammaMin.
 *
 * Built level by level, so that rare long contexts are never stored: at depth d only the extensions of the
 * frequent contexts of depth d-1 are counted. P^(s) is the share of predicted positions preceded by s.
 */
export const PST_MODELS = ['pst', 'vomm'] as const;

/** The suffix tree's options, a shape spread into the schema of the method that uses it (CPD). */
export const PST_OPTIONS = {
  L: int(10, { min: 0 }, { doc: 'Longest context (keys before the one predicted)' }),
  pMin: num(1e-4, { min: 0, max: 1 }, { doc: 'A context is kept when it precedes at least this share of the predicted positions' }),
  a: num(0, { min: 0 }, { doc: 'Significance test: a next key counts when P(sigma|s) >= (1 + a) gammaMin' }),
  gammaMin: num(1e-3, { gt: 0, lt: 1 }, { doc: 'Smoothing floor of a next-key probability (capped at 1 / (2 |Sigma|))' }),
  r: num(1.05, { min: 1 }, { doc: 'Significance test: P(sigma|s) / P(sigma|suffix(s)) >= r or <= 1/r' }),
  model: choice(PST_MODELS, 'pst', { doc: 'pst: keep significant contexts only; vomm: every frequent context (variable-order Markov model)' }),
};

export type PstOptions = OptionsOfShape<typeof PST_OPTIONS>;

export const PST_DEFAULTS: PstOptions = defaultsOf(optionSchema(PST_OPTIONS));

export interface WeightedSequence {
  ids: Int32Array;
  count: number;
}

export class PredictionSuffixTree {
  private readonly child = new Map<number, number>();
  private readonly nextCount = new Map<number, number>();
  private readonly nextSyms: number[][] = [[]];
  private readonly total: number[] = [0];
  private readonly parent: number[] = [-1];
  private readonly depth: number[] = [0];
  private kept = new Uint8Array(1);
  /** Smoothing floor in use: gammaMin, capped at 1 / (2 |Sigma|) so that the smoothed values stay a distribution. */
  readonly gammaMin: number;
  private readonly scale: number;

  private constructor(
    /** Id space (ids are < S). */
    private readonly S: number,
    /** |Sigma|: the number of keys that can be predicted. */
    readonly alphabet: number,
    private readonly opts: PstOptions,
  ) {
    this.gammaMin = Math.min(opts.gammaMin, 1 / (2 * alphabet));
    this.scale = 1 - alphabet * this.gammaMin;
  }

  get contexts(): number {
    let n = 0;
    for (const k of this.kept) n += k;
    return n;
  }

  static build(seqs: readonly WeightedSequence[], S: number, alphabet: number, opts: PstOptions): PredictionSuffixTree {
    const t = new PredictionSuffixTree(S, alphabet, opts);
    let positions = 0;
    for (const s of seqs) {
      positions += s.ids.length * s.count;
      for (let i = 0; i < s.ids.length; i++) t.count(0, s.ids[i], s.count);
    }
    const frequent = [1]; // per node: P^(s) >= pMin
    let levelStart = 1;
    for (let d = 1; d <= opts.L; d++) {
      for (const s of seqs) {
        const x = s.ids;
        for (let i = 0; i < x.length; i++) {
          // walk the frequent context of length d-1 before position i, then extend it by one older key
          let node = 0;
          let k = 1;
          for (; k < d; k++) {
            const c = t.child.get(node * S + symAt(x, i - k));
            if (c === undefined || !frequent[c]) break;
            node = c;
            if (i - k < 0) break; // BOS reached: nothing older
          }
          if (k < d || i - d < -1) continue;
          const sym = symAt(x, i - d);
          let c = t.child.get(node * S + sym);
          if (c === undefined) {
            c = t.total.length;
            t.child.set(node * S + sym, c);
            t.total.push(0);
            t.nextSyms.push([]);
            t.parent.push(node);
            t.depth.push(d);
          }
          t.count(c, x[i], s.count);
        }
      }
      let any = false;
      for (let c = levelStart; c < t.total.length; c++) {
        frequent[c] = t.total[c] / positions >= opts.pMin ? 1 : 0;
        if (frequent[c]) any = true;
      }
      levelStart = t.total.length;
      if (!any) break;
    }
    // keep the frequent contexts that are significant, with their suffixes (ancestors); children come after parents
    const n = t.total.length;
    t.kept = new Uint8Array(n);
    t.kept[0] = 1;
    for (let c = n - 1; c > 0; c--) {
      if (!frequent[c]) continue;
      if (t.kept[c] || opts.model === 'vomm' || t.significant(c)) {
        t.kept[c] = 1;
        t.kept[t.parent[c]] = 1;
      }
    }
    return t;
  }

  private count(node: number, sym: number, w: number): void {
    const key = node * this.S + sym;
    const prev = this.nextCount.get(key);
    if (prev === undefined) this.nextSyms[node].push(sym);
    this.nextCount.set(key, (prev ?? 0) + w);
    this.total[node] += w;
  }

  private prob(node: number, sym: number): number {
    return (this.nextCount.get(node * this.S + sym) ?? 0) / this.total[node];
  }

  private significant(c: number): boolean {
    const p = this.parent[c];
    const { a, r } = this.opts;
    for (const sym of this.nextSyms[c]) {
      const q = this.prob(c, sym);
      if (q < (1 + a) * this.opts.gammaMin) continue;
      const ratio = q / this.prob(p, sym);
      if (ratio >= r || ratio <= 1 / r) return true;
    }
    return false;
  }

  /** The tree node of the longest kept context before position i of x (BOS before x[0]). */
  private contextAt(x: Int32Array, i: number): number {
    let node = 0;
    for (let k = 1; k <= this.opts.L && i - k >= -1; k++) {
      const c = this.child.get(node * this.S + symAt(x, i - k));
      if (c === undefined || !this.kept[c]) break;
      node = c;
    }
    return node;
  }

  /** log gamma of each key of x given its context (UNK and keys never seen in a context get gammaMin). */
  stepLogProbs(x: Int32Array): Float64Array {
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const sym = x[i];
      const p = sym === UNK ? 0 : this.prob(this.contextAt(x, i), sym);
      out[i] = Math.log(this.scale * p + this.gammaMin);
    }
    return out;
  }

  /** Whether a context (oldest key first) is in the tree. */
  hasContext(context: readonly number[]): boolean {
    let node = 0;
    for (let k = context.length - 1; k >= 0; k--) {
      const c = this.child.get(node * this.S + context[k]);
      if (c === undefined || !this.kept[c]) return false;
      node = c;
    }
    return true;
  }
}

/** x[j], or BOS for j = -1. */
function symAt(x: Int32Array, j: number): number {
  return j < 0 ? BOS : x[j];
}
