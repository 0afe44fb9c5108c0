import { Random } from '../../src/lib/util/random.ts';
import type { Classifier } from './classifier.ts';

export interface ForestOptions {
  trees: number;
  /** Features tried per split: `sqrt` of the feature count (classification default) or `all`. */
  maxFeatures: 'sqrt' | 'all';
  maxDepth: number;
  minLeaf: number;
  /** Each tree on a bootstrap sample (true, the default) or on every row. */
  bootstrap: boolean;
  seed: number;
}

type TreeNode = { leaf: Float64Array } | { feature: number; threshold: number; left: TreeNode; right: TreeNode };

/**
 * Random forest (Breiman; as scikit-learn's RandomForestClassifier: bootstrap samples, CART trees grown with the
 * Gini impurity over `maxFeatures` random features per split, probabilities averaged over trees). Sample weights
 * enter the Gini counts and the leaf distributions, so that class weights counter imbalance. Seeded.
 */
export class ForestClassifier implements Classifier {
  private trees: TreeNode[] = [];
  private classes = 0;

  constructor(private readonly o: ForestOptions) {}

  fit(x: readonly Float64Array[], y: Int32Array, classes: number, weights: Float64Array): void {
    this.classes = classes;
    const rng = new Random(this.o.seed);
    const n = x.length;
    const f = x[0]?.length ?? 0;
    // column-major copy: the split search reads one feature of many rows
    const cols = Array.from({ length: f }, (_, j) => Float64Array.from(x, (row) => row[j]));
    const tryFeatures = this.o.maxFeatures === 'sqrt' ? Math.max(1, Math.round(Math.sqrt(f))) : f;
    this.trees = [];
    for (let t = 0; t < this.o.trees; t++) {
      const sample = Int32Array.from({ length: n }, (_, i) => (this.o.bootstrap ? rng.int(n) : i));
      this.trees.push(this.grow(cols, y, weights, sample, 0, tryFeatures, rng.fork(t)));
    }
  }

  proba(q: Float64Array): Float64Array {
    const out = new Float64Array(this.classes);
    for (const tree of this.trees) {
      let node = tree;
      while (!('leaf' in node)) node = q[node.feature] <= node.threshold ? node.left : node.right;
      for (let c = 0; c < out.length; c++) out[c] += node.leaf[c] / this.trees.length;
    }
    return out;
  }

  private grow(cols: Float64Array[], y: Int32Array, w: Float64Array, idx: Int32Array, depth: number, tryFeatures: number, rng: Random): TreeNode {
    const k = this.classes;
    const counts = new Float64Array(k);
    for (const i of idx) counts[y[i]] += w[i];
    const total = counts.reduce((a, b) => a + b, 0);
    const leaf = (): TreeNode => ({ leaf: Float64Array.from(counts, (c) => (total > 0 ? c / total : 1 / k)) });
    if (depth >= this.o.maxDepth || idx.length < 2 * this.o.minLeaf || counts.filter((c) => c > 0).length <= 1) return leaf();
    let totalSq = 0;
    for (const c of counts) totalSq += c * c;
    const parentGini = 1 - totalSq / (total * total);
    let best = { gain: 1e-12, feature: -1, threshold: 0 };
    const left = new Float64Array(k);
    const vals = new Float64Array(idx.length);
    const order = new Int32Array(idx.length);
    let tried = 0;
    for (const feature of rng.permutation(cols.length)) {
      // keep drawing features until `tryFeatures` of them could split (as scikit-learn does with constant ones)
      if (tried >= tryFeatures) break;
      const col = cols[feature];
      let lo = Infinity;
      let hi = -Infinity;
      for (let m = 0; m < idx.length; m++) {
        const v = col[idx[m]];
        vals[m] = v;
        order[m] = m;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (lo === hi) continue;
      tried++;
      order.sort((a, b) => vals[a] - vals[b]);
      left.fill(0);
      // weighted Gini of both sides from running sums of squared class weights
      let wl = 0;
      let sqL = 0;
      let sqR = totalSq;
      for (let m = 0; m < order.length - 1; m++) {
        const i = idx[order[m]];
        const c = y[i];
        const wi = w[i];
        const r = counts[c] - left[c];
        sqL += 2 * left[c] * wi + wi * wi;
        sqR += -2 * r * wi + wi * wi;
        left[c] += wi;
        wl += wi;
        const v = vals[order[m]];
        const next = vals[order[m + 1]];
        if (v === next || m + 1 < this.o.minLeaf || order.length - m - 1 < this.o.minLeaf) continue;
        const wr = total - wl;
        const gl = wl > 0 ? 1 - sqL / (wl * wl) : 0;
        const gr = wr > 0 ? 1 - sqR / (wr * wr) : 0;
        const gain = parentGini - (wl / total) * gl - (wr / total) * gr;
        if (gain > best.gain) best = { gain, feature, threshold: (v + next) / 2 };
      }
    }
    if (best.feature < 0) return leaf();
    const col = cols[best.feature];
    const l = idx.filter((i) => col[i] <= best.threshold);
    const r = idx.filter((i) => col[i] > best.threshold);
    return { feature: best.feature, threshold: best.threshold, left: this.grow(cols, y, w, l, depth + 1, tryFeatures, rng), right: this.grow(cols, y, w, r, depth + 1, tryFeatures, rng) };
  }
}
