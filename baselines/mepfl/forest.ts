import { Random } from '../../src/util/random.ts';
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
    const tryFeatures = this.o.maxFeatures === 'sqrt' ? Math.max(1, Math.round(Math.sqrt(f))) : f;
    this.trees = [];
    for (let t = 0; t < this.o.trees; t++) {
      const sample = Int32Array.from({ length: n }, (_, i) => (this.o.bootstrap ? rng.int(n) : i));
      this.trees.push(this.grow(x, y, weights, sample, 0, tryFeatures, rng.fork(t)));
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

  private grow(x: readonly Float64Array[], y: Int32Array, w: Float64Array, idx: Int32Array, depth: number, tryFeatures: number, rng: Random): TreeNode {
    const counts = new Float64Array(this.classes);
    for (const i of idx) counts[y[i]] += w[i];
    const total = counts.reduce((a, b) => a + b, 0);
    const leaf = (): TreeNode => ({ leaf: Float64Array.from(counts, (c) => (total > 0 ? c / total : 1 / this.classes)) });
    if (depth >= this.o.maxDepth || idx.length < 2 * this.o.minLeaf || counts.filter((c) => c > 0).length <= 1) return leaf();
    const parentGini = gini(counts, total);
    let best = { gain: 1e-12, feature: -1, threshold: 0 };
    const features = rng.permutation(x[0].length);
    let tried = 0;
    for (const feature of features) {
      // keep drawing features until `tryFeatures` of them could split (as scikit-learn does with constant ones)
      if (tried >= tryFeatures) break;
      const order = Int32Array.from(idx).sort((a, b) => x[a][feature] - x[b][feature]);
      if (x[order[0]][feature] === x[order[order.length - 1]][feature]) continue;
      tried++;
      const left = new Float64Array(this.classes);
      let wl = 0;
      for (let k = 0; k < order.length - 1; k++) {
        const i = order[k];
        left[y[i]] += w[i];
        wl += w[i];
        const v = x[i][feature];
        const next = x[order[k + 1]][feature];
        if (v === next || k + 1 < this.o.minLeaf || order.length - k - 1 < this.o.minLeaf) continue;
        const right = Float64Array.from(counts, (c, j) => c - left[j]);
        const wr = total - wl;
        const gain = parentGini - (wl / total) * gini(left, wl) - (wr / total) * gini(right, wr);
        if (gain > best.gain) best = { gain, feature, threshold: (v + next) / 2 };
      }
    }
    if (best.feature < 0) return leaf();
    const l = idx.filter((i) => x[i][best.feature] <= best.threshold);
    const r = idx.filter((i) => x[i][best.feature] > best.threshold);
    return { feature: best.feature, threshold: best.threshold, left: this.grow(x, y, w, l, depth + 1, tryFeatures, rng), right: this.grow(x, y, w, r, depth + 1, tryFeatures, rng) };
  }
}

function gini(counts: Float64Array, total: number): number {
  if (total <= 0) return 0;
  let s = 1;
  for (const c of counts) s -= (c / total) ** 2;
  return s;
}
