/**
 * Fu et al.'s per-host transition time model (spec 2.3, `capacityModel`): on host i, a transition's time follows
 * N(alpha_i, alpha_i^2 * beta), a mean per host and one variance coefficient beta shared by the hosts. Maximum
 * likelihood by alternating the two closed-form updates of the spec, from sufficient statistics per host.
 */
export interface HostSample {
  /** Number of samples K_i, their sum S1_i and sum of squares S2_i. */
  count: number;
  sum: number;
  sumSq: number;
}

export interface CapacityFit {
  alpha: number[];
  beta: number;
  iterations: number;
}

/** Hosts must have count > 0 and a positive mean. */
export function fitCapacity(hosts: readonly HostSample[], maxIterations = 20, tolerance = 1e-6): CapacityFit {
  const m = hosts.length;
  const alpha = hosts.map((h) => h.sum / h.count);
  let beta = 0;
  for (let i = 0; i < m; i++) {
    const v = Math.max(0, hosts[i].sumSq / hosts[i].count - alpha[i] ** 2);
    beta += v / alpha[i] ** 2 / m;
  }
  let it = 0;
  while (it < maxIterations) {
    it++;
    let change = 0;
    if (beta > 0) {
      for (let i = 0; i < m; i++) {
        const { count: K, sum: S1, sumSq: S2 } = hosts[i];
        const next = (-S1 + Math.sqrt(S1 * S1 + 4 * K * beta * S2)) / (2 * K * beta);
        change = Math.max(change, Math.abs(next - alpha[i]));
        alpha[i] = next;
      }
    }
    let num = 0;
    let den = 0;
    for (let i = 0; i < m; i++) {
      const { count: K, sum: S1, sumSq: S2 } = hosts[i];
      const a = alpha[i];
      num += Math.max(0, S2 - 2 * a * S1 + K * a * a) / (a * a);
      den += K;
    }
    const nextBeta = num / den;
    change = Math.max(change, Math.abs(nextBeta - beta));
    beta = nextBeta;
    if (change < tolerance) break;
  }
  return { alpha, beta, iterations: it };
}

/** Log-likelihood of the samples of one host under N(alpha, alpha^2 beta), from its sufficient statistics. */
export function capacityLogLikelihood(h: HostSample, alpha: number, beta: number): number {
  const v = alpha * alpha * beta;
  const sq = h.sumSq - 2 * alpha * h.sum + h.count * alpha * alpha;
  return -0.5 * h.count * Math.log(2 * Math.PI * v) - sq / (2 * v);
}
