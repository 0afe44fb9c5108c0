import { hitAtK, precisionAtK, type PrecisionAtK, type RankedCandidate } from './precision-at-k.ts';
import { isExternal, matchesDimension, matchesService, rootCauseOf } from './root-cause.ts';

/** Table V's counts: cases, and how many of them the top candidate localised (expected value under ties). */
export interface LocalizedCount {
  cases: number;
  localized: number;
}

export interface LocalizationEvaluation {
  /** Table IV: Precision@K against the injected service (rankings collapsed to one candidate per service). */
  service: PrecisionAtK;
  /**
   * Precision@K against the root-cause dimension (service + call path), over the cases whose label names
   * dimensions (rt faults); null when no label names one or the method names no call paths.
   */
  dimension: PrecisionAtK | null;
  /** Table V: root causes in internal microservices and in external services, and those localised at top 1. */
  internal: LocalizedCount;
  external: LocalizedCount;
}

/** A ranking with one candidate per service: each service where its best-scored candidate stood. */
export function byService(ranking: readonly RankedCandidate[]): RankedCandidate[] {
  const best = new Map<string, RankedCandidate>();
  for (const c of ranking) {
    const b = best.get(c.service);
    if (b === undefined || c.score > b.score) best.set(c.service, c);
  }
  return [...best.values()].sort((a, b) => b.score - a.score);
}

/**
 * Scores root-cause rankings (one per anomalous row, best first) against their labels' root causes
 * (src/lib/metrics/root-cause.ts): Precision@K at the service level and at the dimension level, and Table V's
 * internal / external counts with top-1 successes at the service level (for an external root cause, the
 * microservice that calls it, as the label names it, or the external service itself).
 */
export function evaluateLocalization(rankings: readonly (readonly RankedCandidate[])[], rootCauses: readonly string[], ks: readonly number[] = [1, 2, 3]): LocalizationEvaluation {
  if (rankings.length !== rootCauses.length) throw new Error(`${rankings.length} rankings but ${rootCauses.length} root causes`);
  const services = rankings.map(byService);
  const service = precisionAtK(services, rootCauses, ks, (c, r) => matchesService(c, rootCauseOf(r)));
  const withDims = rootCauses.flatMap((r, i) => (rootCauseOf(r).dimensions.length > 0 ? [i] : []));
  const namesPaths = rankings.some((r) => r.some((c) => c.callPath !== undefined));
  const dimension = withDims.length > 0 && namesPaths
    ? precisionAtK(withDims.map((i) => rankings[i]), withDims.map((i) => rootCauses[i]), ks, (c, r) => matchesDimension(c, rootCauseOf(r)))
    : null;
  const internal: LocalizedCount = { cases: 0, localized: 0 };
  const external: LocalizedCount = { cases: 0, localized: 0 };
  rootCauses.forEach((r, i) => {
    const bucket = isExternal(rootCauseOf(r)) ? external : internal;
    bucket.cases++;
    bucket.localized += hitAtK(services[i], r, 1, (c, x) => matchesService(c, rootCauseOf(x)));
  });
  return { service, dimension, internal, external };
}

/** The evaluation as flat numbers for a cell's `values` (Table V's counts and the dimension-level P@K). */
export function localizationValues(e: LocalizationEvaluation): Record<string, number> {
  const out: Record<string, number> = {
    'internal.cases': e.internal.cases,
    'internal.localized': e.internal.localized,
    'external.cases': e.external.cases,
    'external.localized': e.external.localized,
  };
  if (e.dimension) {
    out['dimension.cases'] = e.dimension.cases;
    for (const [k, v] of Object.entries(e.dimension.at)) if (v !== null) out[`dimension.p@${k}`] = v;
  }
  return out;
}
