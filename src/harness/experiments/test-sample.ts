import { Random } from '../../lib/util/random.ts';

const TEST_SAMPLE_SALT = 31;

/**
 * A seeded share of the rows 0..n-1, in their order: each row is kept with probability `share`, so the
 * anomaly rate stays the same in expectation. Quick forms and dataset files (`split.testSample`) test on such
 * a sample.
 */
export function sampleIndices(n: number, share: number, seed: number): number[] {
  const rng = new Random(seed).fork(TEST_SAMPLE_SALT);
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (rng.next() < share) out.push(i);
  return out;
}

/** Whether a `testSample` value is a share in (0, 1]. */
export function isTestSample(v: unknown): v is number {
  return typeof v === 'number' && v > 0 && v <= 1;
}
