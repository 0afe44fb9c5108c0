import { quantileSorted } from 'simple-statistics';

/**
 * The 3-sigma helper of spec 1.6, shared by WFG, CFG (lag bounds), DeepLog* and HSTV-3sigma: per group, the
 * mean and population std of the training samples, std floored at `sigmaFloor`; a value is out of band when
 * |x - mu| > k * sigma (two-sided) or x - mu > k * sigma (one-sided, slow-downs only). Groups with fewer than
 * `nMin` samples are not judged ("insufficient data", counted as normal).
 */
export interface SigmaRule {
  k: number;
  sigmaFloor: number;
  nMin: number;
  sided: 'two' | 'one';
}

export const DEFAULT_SIGMA: SigmaRule = { k: 3, sigmaFloor: 1, nMin: 5, sided: 'two' };

/** Running count, mean and squared deviations per group (Welford), groups numbered 0, 1, 2, ... */
export class GroupMoments {
  private n: number[] = [];
  private mu: number[] = [];
  private m2: number[] = [];

  get groups(): number {
    return this.n.length;
  }

  add(g: number, x: number): void {
    while (this.n.length <= g) {
      this.n.push(0);
      this.mu.push(0);
      this.m2.push(0);
    }
    const n = ++this.n[g];
    const d = x - this.mu[g];
    this.mu[g] += d / n;
    this.m2[g] += d * (x - this.mu[g]);
  }

  count(g: number): number {
    return this.n[g] ?? 0;
  }

  mean(g: number): number {
    return this.mu[g] ?? NaN;
  }

  /** Population standard deviation (0 for one sample). */
  std(g: number): number {
    const n = this.count(g);
    return n > 0 ? Math.sqrt(this.m2[g] / n) : NaN;
  }

  /** The bands of every group under a rule (groups up to `groups` - 1; later ids count as empty). */
  bands(rule: SigmaRule, groups = this.groups): Bands {
    const mu = new Float64Array(groups);
    const sigma = new Float64Array(groups);
    const n = new Int32Array(groups);
    for (let g = 0; g < groups; g++) {
      n[g] = this.count(g);
      mu[g] = n[g] > 0 ? this.mu[g] : NaN;
      sigma[g] = n[g] > 0 ? Math.max(this.std(g), rule.sigmaFloor) : NaN;
    }
    return new Bands(mu, sigma, n, rule);
  }
}

export class Bands {
  constructor(
    readonly mu: Float64Array,
    readonly sigma: Float64Array,
    readonly n: Int32Array,
    readonly rule: SigmaRule,
  ) {}

  /** Whether group g has enough samples to be judged. */
  judged(g: number): boolean {
    return g >= 0 && g < this.n.length && this.n[g] >= this.rule.nMin;
  }

  /** Signed z-score of x in group g; NaN when the group is not judged. */
  z(g: number, x: number): number {
    if (!this.judged(g)) return NaN;
    return (x - this.mu[g]) / this.sigma[g];
  }

  /** How far a z-score deviates in the rule's direction: |z| two-sided, max(z, 0) one-sided, 0 for NaN. */
  deviation(z: number): number {
    if (Number.isNaN(z)) return 0;
    return this.rule.sided === 'one' ? Math.max(z, 0) : Math.abs(z);
  }

  /** Whether a z-score is out of band (NaN never is). */
  outside(z: number): boolean {
    return this.deviation(z) > this.rule.k;
  }

  /** Upper edge of the band, mu + k sigma (Infinity when not judged). */
  upper(g: number): number {
    return this.judged(g) ? this.mu[g] + this.rule.k * this.sigma[g] : Infinity;
  }
}

/** Interns group keys (strings or numbers) as dense ids. */
export class GroupIndex<K> {
  private readonly ids = new Map<K, number>();
  readonly keys: K[] = [];

  /** The id of a key, created when `learn`; -1 for an unknown key otherwise. */
  id(key: K, learn = false): number {
    const id = this.ids.get(key);
    if (id !== undefined) return id;
    if (!learn) return -1;
    this.ids.set(key, this.keys.length);
    this.keys.push(key);
    return this.keys.length - 1;
  }

  get size(): number {
    return this.keys.length;
  }
}

/** The q-quantile (q clamped to 0..1) of values, linear interpolation between order statistics (R's type 7); NaN for none. */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return NaN;
  return quantileSorted(Array.from(Float64Array.from(values).sort()), Math.min(1, Math.max(0, q)));
}
