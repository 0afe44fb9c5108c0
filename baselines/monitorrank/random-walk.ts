/**
 * MonitorRank's random walk (spec 9.3, after Kim et al. SIGMETRICS'13 and PyRCA): nodes 0..n-1 with
 * similarities S_i to the frontend, call edges caller -> callee. Weights: a forward edge i -> j gets S_j, a
 * backward edge j -> i gets rho S_i, a self-loop max(0, S_i - max over children S_j) (S_i for a leaf); rows are
 * normalised (a zero row teleports). Personalised PageRank pi = alpha pi P + (1 - alpha) u with u ∝ S (frontend
 * 0; uniform over the others when every S is 0), until ||delta||_1 < tol or maxIter. The walker drifts down
 * towards callees that resemble the frontend and stays at the deepest such one.
 */
export interface WalkOptions {
  rho: number;
  alpha: number;
  tol: number;
  maxIter: number;
}

export function monitorRankWalk(n: number, edges: readonly [number, number][], similarity: ArrayLike<number>, frontend: number, o: WalkOptions): Float64Array {
  const W = Array.from({ length: n }, () => new Float64Array(n));
  const maxChild = new Float64Array(n).fill(-1);
  const seen = new Set<string>();
  for (const [i, j] of edges) {
    if (i === j || seen.has(`${i},${j}`)) continue;
    seen.add(`${i},${j}`);
    W[i][j] += similarity[j];
    W[j][i] += o.rho * similarity[i];
    maxChild[i] = Math.max(maxChild[i], similarity[j]);
  }
  for (let i = 0; i < n; i++) W[i][i] += maxChild[i] < 0 ? similarity[i] : Math.max(0, similarity[i] - maxChild[i]);
  const u = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) if (i !== frontend) total += similarity[i];
  for (let i = 0; i < n; i++) if (i !== frontend) u[i] = total > 0 ? similarity[i] / total : 1 / Math.max(1, n - 1);
  const rowSum = W.map((r) => r.reduce((a, b) => a + b, 0));
  let pi = Float64Array.from(u);
  for (let it = 0; it < o.maxIter; it++) {
    const next = new Float64Array(n);
    let dangling = 0;
    for (let i = 0; i < n; i++) {
      if (rowSum[i] === 0) {
        dangling += pi[i];
        continue;
      }
      const w = W[i];
      const p = (o.alpha * pi[i]) / rowSum[i];
      for (let j = 0; j < n; j++) if (w[j] !== 0) next[j] += p * w[j];
    }
    // a zero row teleports: its mass follows the personalisation vector
    for (let j = 0; j < n; j++) next[j] += (o.alpha * dangling + (1 - o.alpha)) * u[j];
    let delta = 0;
    for (let j = 0; j < n; j++) delta += Math.abs(next[j] - pi[j]);
    pi = next;
    if (delta < o.tol) break;
  }
  return pi;
}

/** Pearson correlation; 0 when either series is constant or shorter than 2. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = Math.min(x.length, y.length);
  if (n < 2) return 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i] - mx;
    const b = y[i] - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  if (sxx <= 1e-12 * n || syy <= 1e-12 * n) return 0;
  return sxy / Math.sqrt(sxx * syy);
}
