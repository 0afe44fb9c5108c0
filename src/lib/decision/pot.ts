/**
 * Peaks over threshold (POT; Siffer et al., KDD 2017, as OmniAnomaly's threshold uses it): the excesses of
 * values over a high empirical quantile t0 follow a generalised Pareto distribution (GPD) by the
 * Pickands-Balkema-de Haan theorem; the fitted tail gives the threshold z_q that a value exceeds with
 * probability q.
 *
 * GPD(gamma, sigma) of an excess y > 0: P(Y > y) = (1 + gamma y / sigma)^(-1 / gamma), or exp(-y / sigma) for
 * gamma = 0 (the exponential tail); gamma > 0 is a heavy tail, gamma < 0 a bounded one.
 */
import { sampleVariance } from 'simple-statistics';

export const GPD_METHODS = ['grimshaw', 'moments'] as const;
export type GpdMethod = (typeof GPD_METHODS)[number];

export interface GpdFit {
  gamma: number;
  sigma: number;
  /** Log-likelihood of the excesses under the fit. */
  logLikelihood: number;
}

/** Log-likelihood of excesses y (all > 0) under GPD(gamma, sigma); -Infinity outside the support. */
export function gpdLogLikelihood(y: ArrayLike<number>, gamma: number, sigma: number): number {
  const n = y.length;
  if (!(sigma > 0)) return -Infinity;
  let s = 0;
  if (Math.abs(gamma) < 1e-12) {
    for (let i = 0; i < n; i++) s += y[i];
    return -n * Math.log(sigma) - s / sigma;
  }
  for (let i = 0; i < n; i++) {
    const t = 1 + (gamma * y[i]) / sigma;
    if (!(t > 0)) return -Infinity;
    s += Math.log(t);
  }
  return -n * Math.log(sigma) - (1 + 1 / gamma) * s;
}

/**
 * Fits a GPD to excesses (values > 0).
 * - `grimshaw` (default; SPOT's and OmniAnomaly's): maximum likelihood by Grimshaw's reduction to one
 *   variable. With x = gamma / sigma, the likelihood equations hold where w(x) = u(x) v(x) - 1 = 0, with
 *   u(x) = mean 1 / (1 + x y_i) and v(x) = 1 + mean log(1 + x y_i); then gamma = v(x) - 1 and sigma = gamma / x.
 *   Every root lies in (-1 / max y, 0) or (0, 2 (mean y - min y) / (min y)^2). Roots are bracketed on a grid
 *   of each interval (fine near 0 and near the pole) and refined by bisection; the candidate with the largest
 *   likelihood wins, the exponential fit (gamma = 0, sigma = mean y) being always a candidate.
 * - `moments`: the method of moments, gamma = (1 - mean^2 / var) / 2 and sigma = mean (1 + mean^2 / var) / 2
 *   (only defined for gamma < 1/2; a quick cross-check).
 */
export function fitGpd(excesses: ArrayLike<number>, method: GpdMethod = 'grimshaw'): GpdFit {
  const y = Float64Array.from(excesses);
  const n = y.length;
  if (n === 0) throw new Error('fitGpd: no excesses');
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of y) {
    if (!(v > 0) || !Number.isFinite(v)) throw new Error(`fitGpd: excesses must be positive and finite, found ${v}`);
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = sum / n;
  const exponential: GpdFit = { gamma: 0, sigma: mean, logLikelihood: gpdLogLikelihood(y, 0, mean) };
  if (method === 'moments') {
    const variance = n > 1 ? sampleVariance(Array.from(y)) : 0;
    if (!(variance > 0)) return exponential;
    const r = (mean * mean) / variance;
    const gamma = 0.5 * (1 - r);
    const sigma = 0.5 * mean * (1 + r);
    return { gamma, sigma, logLikelihood: gpdLogLikelihood(y, gamma, sigma) };
  }
  if (max === min) return exponential;
  const w = (x: number): number => {
    let u = 0;
    let v = 0;
    for (let i = 0; i < n; i++) {
      const t = 1 + x * y[i];
      u += 1 / t;
      v += Math.log(t);
    }
    return (u / n) * (1 + v / n) - 1;
  };
  let best = exponential;
  const consider = (x: number) => {
    let v = 0;
    for (let i = 0; i < n; i++) v += Math.log(1 + x * y[i]);
    const gamma = v / n;
    const sigma = gamma / x;
    const ll = gpdLogLikelihood(y, gamma, sigma);
    if (ll > best.logLikelihood) best = { gamma, sigma, logLikelihood: ll };
  };
  const left = -1 / max;
  const right = (2 * (mean - min)) / (min * min);
  for (const x of rootsOf(w, bracketGrid(left))) consider(x);
  for (const x of rootsOf(w, bracketGrid(right))) consider(x);
  return best;
}

/**
 * Grid points strictly between `end` and 0, dense at both ends: geometric towards 0 (where w has a double zero
 * that is not a solution) and towards `end` (the pole at -1 / max y on the left), uniform in between.
 */
function bracketGrid(end: number): number[] {
  const pts = new Set<number>();
  const a = Math.abs(end);
  const sign = Math.sign(end);
  for (let k = 1; k <= 60; k++) pts.add(sign * a * 10 ** (-k / 6)); // 1e-10 .. 0.68 of the interval, from 0
  for (let k = 1; k < 400; k++) pts.add((sign * a * k) / 400);
  for (let k = 1; k <= 60; k++) pts.add(sign * a * (1 - 10 ** (-k / 6))); // towards the end
  return [...pts].sort((p, q) => p - q);
}

/** Roots of f between consecutive grid points where it changes sign, by bisection. */
function rootsOf(f: (x: number) => number, grid: number[]): number[] {
  const roots: number[] = [];
  let x0 = grid[0];
  let f0 = f(x0);
  for (let i = 1; i < grid.length; i++) {
    const x1 = grid[i];
    const f1 = f(x1);
    if (Number.isFinite(f0) && Number.isFinite(f1) && f0 * f1 < 0) {
      let lo = x0;
      let hi = x1;
      let flo = f0;
      for (let it = 0; it < 100 && hi - lo > 1e-14 * Math.max(1, Math.abs(lo)); it++) {
        const mid = 0.5 * (lo + hi);
        const fm = f(mid);
        if (fm * flo <= 0) hi = mid;
        else {
          lo = mid;
          flo = fm;
        }
      }
      roots.push(0.5 * (lo + hi));
    }
    x0 = x1;
    f0 = f1;
  }
  return roots;
}

export interface PotOptions {
  /** Share of the values above the initial threshold t0 (t0 = the empirical 1 - level quantile); OmniAnomaly's default 0.01. */
  level: number;
  /** Risk: the threshold is exceeded with probability q under the fitted tail (1e-3). */
  q: number;
  method: GpdMethod;
}

export const DEFAULT_POT: PotOptions = { level: 0.01, q: 1e-3, method: 'grimshaw' };

export interface PotThreshold extends GpdFit {
  /** The initial threshold: the value at index floor((1 - level) n) of the sorted values (SPOT's choice). */
  t0: number;
  /** z_q = t0 + (sigma / gamma) ((q n / peaks)^(-gamma) - 1), or t0 - sigma ln(q n / peaks) for gamma = 0. */
  threshold: number;
  /** Number of values (n) and of peaks (values above t0). */
  n: number;
  peaks: number;
  options: PotOptions;
}

/**
 * The POT threshold of the upper tail of `values` (higher = more extreme). Non-finite values are left out.
 * With no value above t0 (ties), the threshold is t0.
 */
export function potThreshold(values: ArrayLike<number>, options: Partial<PotOptions> = {}): PotThreshold {
  const o = { ...DEFAULT_POT, ...options };
  if (!(o.level > 0 && o.level < 1)) throw new Error(`POT level must be in (0, 1), not ${o.level}`);
  if (!(o.q > 0 && o.q < 1)) throw new Error(`POT q must be in (0, 1), not ${o.q}`);
  const sorted = Float64Array.from(Array.from(values).filter(Number.isFinite)).sort();
  const n = sorted.length;
  if (n === 0) throw new Error('POT needs at least one finite value');
  const t0 = sorted[Math.min(n - 1, Math.floor((1 - o.level) * n))];
  const excess: number[] = [];
  for (let i = n - 1; i >= 0 && sorted[i] > t0; i--) excess.push(sorted[i] - t0);
  if (excess.length === 0) return { t0, threshold: t0, gamma: 0, sigma: 0, logLikelihood: 0, n, peaks: 0, options: o };
  const fit = fitGpd(excess, o.method);
  const r = (o.q * n) / excess.length;
  const threshold = Math.abs(fit.gamma) < 1e-12 ? t0 - fit.sigma * Math.log(r) : t0 + (fit.sigma / fit.gamma) * (r ** -fit.gamma - 1);
  return { ...fit, t0, threshold, n, peaks: excess.length, options: o };
}
