import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { Random } from '../../src/lib/util/random.ts';
import { LOG_2PI, logSumExp } from '../../src/lib/density/logsumexp.ts';
import type { Rows } from '../../src/lib/density/density-model.ts';

export type CovarianceType = 'full' | 'diag';

export interface GmmFitOptions {
  components: number;
  covariance: CovarianceType;
  /**
   * Smallest variance (diag) or smallest covariance eigenvalue (full). Normalised STVs have columns that are -1
   * in every row of a structure; without a floor their variance is 0 and the density infinite. The floor is a
   * constraint of the M-step (clip the ML variances / eigenvalues), so EM still never lowers the likelihood.
   */
  varianceFloor: number;
  maxIter: number;
  /** Stop when the mean log-likelihood per row improves by less than this. */
  tol: number;
  seed: number;
}

interface Component {
  logWeight: number;
  mean: Float64Array;
  /** diag: the variances; full: the lower Cholesky factor, row-major d x d. */
  cov: Float64Array;
  /** log |Sigma| */
  logDet: number;
}

/** A Gaussian mixture fitted by EM in log space (no external GMM package: the npm ones are broken or missing). */
export class GaussianMixture {
  private comps: Component[] = [];
  private d = 0;
  /** Mean log-likelihood per row before each M-step, in order (EM never lowers it). */
  logLikelihoods: number[] = [];
  converged = false;

  constructor(readonly opts: GmmFitOptions) {}

  get components(): number {
    return this.comps.length;
  }

  get weights(): number[] {
    return this.comps.map((c) => Math.exp(c.logWeight));
  }

  get means(): Float64Array[] {
    return this.comps.map((c) => c.mean);
  }

  /** Number of free parameters (for BIC). */
  get parameterCount(): number {
    const k = this.comps.length;
    const d = this.d;
    return k - 1 + k * d + k * (this.opts.covariance === 'diag' ? d : (d * (d + 1)) / 2);
  }

  fit(x: Rows): this {
    const { n, d } = x;
    const k = this.opts.components;
    if (n < k) throw new Error(`GMM: ${n} rows cannot fit ${k} components`);
    this.d = d;
    const resp = new Float64Array(n * k);
    // k-means++ seeds, then a (slightly smoothed, so no component starts empty) nearest-center assignment
    const centers = kmeansPlusPlus(x, k, new Random(this.opts.seed));
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const dist = sqDist(x.values, i * d, centers[c], d);
        if (dist < bestD) {
          bestD = dist;
          best = c;
        }
      }
      for (let c = 0; c < k; c++) resp[i * k + c] = (c === best ? 0.99 : 0) + 0.01 / k;
    }
    this.mStep(x, resp);
    this.logLikelihoods = [];
    this.converged = false;
    for (let iter = 0; iter < this.opts.maxIter; iter++) {
      const ll = this.eStep(x, resp);
      this.logLikelihoods.push(ll);
      const prev = this.logLikelihoods[this.logLikelihoods.length - 2];
      if (prev !== undefined && Math.abs(ll - prev) < this.opts.tol) {
        this.converged = true;
        break;
      }
      this.mStep(x, resp);
    }
    return this;
  }

  /** log p(x) per row. */
  logDensity(x: Rows): Float64Array {
    if (x.d !== this.d) throw new Error(`GMM fitted on ${this.d} dimensions, given ${x.d}`);
    const k = this.comps.length;
    const out = new Float64Array(x.n);
    const lp = new Float64Array(k);
    const work = new Float64Array(x.d);
    for (let i = 0; i < x.n; i++) {
      for (let c = 0; c < k; c++) lp[c] = this.comps[c].logWeight + this.logGauss(x.values, i * x.d, this.comps[c], work);
      out[i] = logSumExp(lp);
    }
    return out;
  }

  /** Total log-likelihood of rows (for BIC). */
  totalLogLikelihood(x: Rows): number {
    let s = 0;
    for (const v of this.logDensity(x)) s += v;
    return s;
  }

  bic(x: Rows): number {
    return -2 * this.totalLogLikelihood(x) + this.parameterCount * Math.log(x.n);
  }

  /** Fills `resp` with responsibilities; returns the mean log-likelihood per row. */
  private eStep(x: Rows, resp: Float64Array): number {
    const { n, d } = x;
    const k = this.comps.length;
    const work = new Float64Array(d);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const off = i * k;
      for (let c = 0; c < k; c++) resp[off + c] = this.comps[c].logWeight + this.logGauss(x.values, i * d, this.comps[c], work);
      const lse = logSumExp(resp, off, off + k);
      total += lse;
      for (let c = 0; c < k; c++) resp[off + c] = Math.exp(resp[off + c] - lse);
    }
    return total / n;
  }

  private mStep(x: Rows, resp: Float64Array): void {
    const { n, d } = x;
    const k = this.opts.components;
    const floor = this.opts.varianceFloor;
    const old = this.comps;
    const comps: Component[] = [];
    for (let c = 0; c < k; c++) {
      let nk = 0;
      for (let i = 0; i < n; i++) nk += resp[i * k + c];
      if (nk < 1e-10 && old[c]) {
        // an empty component keeps its shape; its weight goes to (almost) zero
        comps.push({ ...old[c], logWeight: Math.log(1e-300) });
        continue;
      }
      const mean = new Float64Array(d);
      for (let i = 0; i < n; i++) {
        const r = resp[i * k + c];
        if (r === 0) continue;
        const off = i * d;
        for (let j = 0; j < d; j++) mean[j] += r * x.values[off + j];
      }
      for (let j = 0; j < d; j++) mean[j] /= nk;
      const comp: Component = { logWeight: Math.log(nk / n), mean, cov: new Float64Array(0), logDet: 0 };
      if (this.opts.covariance === 'diag') {
        const v = new Float64Array(d);
        for (let i = 0; i < n; i++) {
          const r = resp[i * k + c];
          if (r === 0) continue;
          const off = i * d;
          for (let j = 0; j < d; j++) {
            const e = x.values[off + j] - mean[j];
            v[j] += r * e * e;
          }
        }
        let logDet = 0;
        for (let j = 0; j < d; j++) {
          v[j] = Math.max(v[j] / nk, floor);
          logDet += Math.log(v[j]);
        }
        comp.cov = v;
        comp.logDet = logDet;
      } else {
        const s = new Float64Array(d * d);
        const e = new Float64Array(d);
        for (let i = 0; i < n; i++) {
          const r = resp[i * k + c];
          if (r === 0) continue;
          const off = i * d;
          for (let j = 0; j < d; j++) e[j] = x.values[off + j] - mean[j];
          for (let a = 0; a < d; a++) {
            const ra = r * e[a];
            for (let b = 0; b <= a; b++) s[a * d + b] += ra * e[b];
          }
        }
        for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) s[b * d + a] = s[a * d + b] /= nk;
        const clipped = clipEigenvalues(s, d, floor);
        const { chol, logDet } = cholesky(clipped, d);
        comp.cov = chol;
        comp.logDet = logDet;
      }
      comps.push(comp);
    }
    this.comps = comps;
  }

  private logGauss(values: ArrayLike<number>, off: number, c: Component, work: Float64Array): number {
    const d = this.d;
    let q = 0;
    if (this.opts.covariance === 'diag') {
      for (let j = 0; j < d; j++) {
        const e = values[off + j] - c.mean[j];
        q += (e * e) / c.cov[j];
      }
    } else {
      // solve L y = x - mean by forward substitution; q = |y|^2
      const L = c.cov;
      for (let a = 0; a < d; a++) {
        let s = values[off + a] - c.mean[a];
        const row = a * d;
        for (let b = 0; b < a; b++) s -= L[row + b] * work[b];
        const y = s / L[row + a];
        work[a] = y;
        q += y * y;
      }
    }
    return -0.5 * (q + c.logDet + d * LOG_2PI);
  }
}

/** The symmetric matrix with the eigenvalues of `s` clipped from below at `floor` (the constrained ML covariance). */
function clipEigenvalues(s: Float64Array, d: number, floor: number): Float64Array {
  const m = new Matrix(d, d);
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) m.set(a, b, s[a * d + b]);
  const eig = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const V = eig.eigenvectorMatrix;
  const lambda = eig.realEigenvalues.map((l) => Math.max(l, floor));
  const out = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      let v = 0;
      for (let t = 0; t < d; t++) v += V.get(a, t) * lambda[t] * V.get(b, t);
      out[a * d + b] = v;
      out[b * d + a] = v;
    }
  }
  return out;
}

/** Lower Cholesky factor of a symmetric positive definite matrix, and log |A|. */
export function cholesky(a: Float64Array, d: number): { chol: Float64Array; logDet: number } {
  const L = new Float64Array(d * d);
  let logDet = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j];
      for (let t = 0; t < j; t++) s -= L[i * d + t] * L[j * d + t];
      if (i === j) {
        if (!(s > 0)) throw new Error('covariance is not positive definite');
        L[i * d + i] = Math.sqrt(s);
        logDet += 2 * Math.log(L[i * d + i]);
      } else L[i * d + j] = s / L[j * d + j];
    }
  }
  return { chol: L, logDet };
}

function sqDist(values: ArrayLike<number>, off: number, center: Float64Array, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const e = values[off + j] - center[j];
    s += e * e;
  }
  return s;
}

/** k-means++ seeding: the first center at random, each next one with probability proportional to squared distance. */
function kmeansPlusPlus(x: Rows, k: number, rng: Random): Float64Array[] {
  const { n, d } = x;
  const pick = (i: number) => Float64Array.from(x.values.subarray(i * d, (i + 1) * d));
  const centers = [pick(rng.int(n))];
  const dist = new Float64Array(n).fill(Infinity);
  while (centers.length < k) {
    const last = centers[centers.length - 1];
    let total = 0;
    for (let i = 0; i < n; i++) {
      dist[i] = Math.min(dist[i], sqDist(x.values, i * d, last, d));
      total += dist[i];
    }
    let target = rng.next() * total;
    let chosen = n - 1;
    for (let i = 0; i < n; i++) {
      target -= dist[i];
      if (target < 0) {
        chosen = i;
        break;
      }
    }
    centers.push(pick(total > 0 ? chosen : rng.int(n)));
  }
  return centers;
}
