/**
 * AEVB's dynamic error threshold (spec 6.4) [I]: the mean mu_e and std sigma_e (population) of the last H
 * reconstruction errors judged normal, starting from the validation errors; an error e is judged by
 * z = (e - mu_e) / sigma_e, anomalous when z > kappa, and only errors judged normal enter the window (so that
 * an anomaly does not raise the bar for the next one).
 */
export class DynamicThreshold {
  private readonly ring: Float64Array;
  private size = 0;
  private head = 0;
  private sum = 0;
  private sumSq = 0;

  constructor(initial: ArrayLike<number>, readonly history: number, readonly kappa: number) {
    this.ring = new Float64Array(history);
    const from = Math.max(0, initial.length - history);
    for (let i = from; i < initial.length; i++) this.push(initial[i]);
  }

  get mean(): number {
    return this.size > 0 ? this.sum / this.size : NaN;
  }

  get std(): number {
    if (this.size === 0) return NaN;
    const m = this.mean;
    return Math.sqrt(Math.max(0, this.sumSq / this.size - m * m));
  }

  /** The z-score of e against the errors so far; e joins them when z <= kappa. */
  next(e: number): number {
    const z = this.size === 0 ? 0 : (e - this.mean) / Math.max(this.std, 1e-12);
    if (!(z > this.kappa)) this.push(e);
    return z;
  }

  private push(e: number): void {
    if (this.size === this.history) {
      const old = this.ring[this.head];
      this.sum -= old;
      this.sumSq -= old * old;
    } else this.size++;
    this.ring[this.head] = e;
    this.head = (this.head + 1) % this.history;
    this.sum += e;
    this.sumSq += e * e;
  }
}

/**
 * The tolerance module (spec 6.4): a point alarms only when at least q of the last p points of its
 * microservice (itself included) are anomalous. Returns, per point, the q-th largest z of those p points, so
 * that "q of the last p exceed kappa" is exactly "the result exceeds kappa"; p = q = 1 returns z unchanged.
 */
export function tolerate(z: ArrayLike<number>, p: number, q: number): Float64Array {
  if (!(Number.isInteger(p) && Number.isInteger(q) && q >= 1 && q <= p)) throw new Error(`tolerance needs integers 1 <= q <= p, not p = ${p}, q = ${q}`);
  const out = Float64Array.from(z);
  if (p === 1) return out;
  const recent: number[] = [];
  for (let i = 0; i < z.length; i++) {
    recent.push(z[i]);
    if (recent.length > p) recent.shift();
    out[i] = recent.length < q ? -Infinity : [...recent].sort((a, b) => b - a)[q - 1];
  }
  return out;
}
