import { matchesService, rootCauseOf } from './root-cause.ts';

/** A ranked candidate as a localizer returns it (best first): a service, optionally a call path, a score. */
export interface RankedCandidate {
  service: string;
  callPath?: string;
  score: number;
}

/**
 * Whether a candidate names the root cause at the service level: same microservice, or same call path (STV
 * dimension id), or the external service; labels may list several parts joined by `;` (src/lib/metrics/root-cause.ts).
 */
export function matchesRootCause(c: RankedCandidate, rootCause: string): boolean {
  return matchesService(c, rootCauseOf(rootCause));
}

/**
 * Probability that the top `k` of a ranking contain the root cause, candidates ordered by score (higher first)
 * and ties broken uniformly at random: with g non-matching candidates scored above the best-scored match, and a
 * tie group at that score holding m matches and u others, r = k - g slots fall in the group and the chance is
 * 1 - C(u, r) / C(m + u, r) (r / (u + 1) for one match). 0 when no candidate matches.
 */
export function hitAtK(ranking: readonly RankedCandidate[], rootCause: string, k: number, match = matchesRootCause): number {
  let best = -Infinity;
  let anyMatch = false;
  for (const c of ranking) {
    if (Number.isNaN(c.score)) throw new Error(`candidate ${c.service} has a NaN score`);
    if (match(c, rootCause)) {
      anyMatch = true;
      if (c.score > best) best = c.score;
    }
  }
  if (!anyMatch) return 0;
  let above = 0;
  let m = 0;
  let u = 0;
  for (const c of ranking) {
    if (c.score > best) above++;
    else if (c.score === best) {
      if (match(c, rootCause)) m++;
      else u++;
    }
  }
  const r = k - above;
  if (r <= 0) return 0;
  if (r > u) return 1;
  // C(u, r) / C(m + u, r) = prod_{i=0}^{r-1} (u - i) / (m + u - i)
  let miss = 1;
  for (let i = 0; i < r; i++) miss *= (u - i) / (m + u - i);
  return 1 - miss;
}

export interface PrecisionAtK {
  /** Cases (anomalous rows with a known root cause) evaluated. */
  cases: number;
  /**
   * Per K, the mean of hitAtK over the cases (paper Table IV: "the probability that the top K results contain the
   * root cause"); null for K > 1 when no ranking has more than one candidate (the method does not rank).
   */
  at: Record<number, number | null>;
}

export function precisionAtK(rankings: readonly (readonly RankedCandidate[])[], rootCauses: readonly string[], ks: readonly number[] = [1, 2, 3], match = matchesRootCause): PrecisionAtK {
  if (rankings.length !== rootCauses.length) throw new Error(`${rankings.length} rankings but ${rootCauses.length} root causes`);
  const longest = rankings.reduce((m, r) => Math.max(m, r.length), 0);
  const at: Record<number, number | null> = {};
  for (const k of ks) {
    if (k > 1 && longest <= 1) {
      at[k] = null;
      continue;
    }
    let sum = 0;
    for (let i = 0; i < rankings.length; i++) sum += hitAtK(rankings[i], rootCauses[i], k, match);
    at[k] = rankings.length === 0 ? NaN : sum / rankings.length;
  }
  return { cases: rankings.length, at };
}
