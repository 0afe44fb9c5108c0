import type { Detector } from '../contracts/detector.ts';
import type { DetectionMethod } from '../experiments/registry.ts';
import { Random } from '../util/random.ts';

/**
 * A deliberately broken copy of a detector, for showing that the quality gate catches regressions: it fits and
 * scores like the original, then shuffles the scores among the traces (seeded), so that its ranking and verdicts
 * carry no information about which trace is which.
 */
export function degraded(inner: Detector, seed: number): Detector {
  return {
    name: inner.name,
    needs: inner.needs,
    detects: inner.detects,
    options: { ...inner.options, degraded: true },
    fit: (train, hooks) => inner.fit(train, hooks),
    async score(data, hooks) {
      const scores = await inner.score(data, hooks);
      const perm = new Random(seed).permutation(scores.length);
      return Float64Array.from(perm, (j) => scores[j]);
    },
    decide: (scores) => inner.decide(scores),
  };
}

/** The registry entry of a method, with its detectors degraded (and a version that keeps its cells apart). */
export function degradedMethod(m: DetectionMethod): DetectionMethod {
  return { ...m, version: `${m.version}-degraded`, create: async (ctx) => degraded(await m.create(ctx), ctx.seed) };
}
