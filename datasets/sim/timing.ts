import { unitHash } from '../../src/lib/util/hash.ts';
import type { Random } from '../../src/lib/util/random.ts';

/**
 * The timing model. Local work of an endpoint: a log-normal body with a multiplicative Pareto tail (rare slow
 * requests: GC pauses, cold caches, lock waits), so that times are heavy-tailed as in real traces. Network: one
 * way per hop, sub-millisecond with a log-normal spread and rare TCP retransmissions (200 ms).
 * All model parameters are fixed functions of names (hashes), never of the run's seed: different seeds are different
 * days of the same system.
 */
export interface WorkParams {
  /** Least work before the first call (a Java handler's filters and deserialisation take about a millisecond), ms. */
  floor: number;
  /** Median of the work above the floor before the first call (the whole work for a leaf), ms. */
  pre: number;
  /** Median of the work after the last call, ms (0 for leaves). */
  post: number;
  /** Log-normal sigma. */
  sigma: number;
  /** Share of requests in the Pareto tail, and its index (smaller = heavier). */
  tailP: number;
  tailAlpha: number;
}

/** A value between lo and hi, log-uniform in the hash of `key`. */
export const hashedScale = (key: string, lo: number, hi: number): number => lo * (hi / lo) ** unitHash(key);

const TAIL_CAP = 60;

/** One draw of local work: `floor` plus a log-normal of median `median`, sometimes stretched by the tail. */
export function drawWork(rng: Random, floor: number, median: number, p: WorkParams): number {
  let x = floor + median * Math.exp(p.sigma * rng.normal());
  if (rng.next() < p.tailP) x *= Math.min(TAIL_CAP, (1 - rng.next()) ** (-1 / p.tailAlpha));
  return x;
}

/** Network delay of one message, ms: 0.1 ms floor, log-normal around 0.35 ms, a 200 ms retransmission 1 in 20,000. */
export function drawNetwork(rng: Random): number {
  let x = 0.1 + 0.25 * Math.exp(0.7 * rng.normal());
  if (rng.next() < 5e-5) x += 200;
  return x;
}

/** Small gap between two calls of one handler (reading the answer, building the next request), ms. */
export function drawGap(rng: Random): number {
  return 0.05 + 0.12 * Math.exp(0.8 * rng.normal());
}

/** Failing to reach a removed service (name resolution fails or the connection is refused), ms. */
export function drawConnectFailure(rng: Random): number {
  return 1 + 1.5 * Math.exp(0.6 * rng.normal());
}
