import { Random } from '../../src/lib/util/random.ts';
import type { Workload } from './run.ts';

/**
 * Mean number of requests per session of a workload, every step succeeding (a fixed sample, independent of the
 * run's seed), to turn a request rate into a session arrival rate.
 */
export function meanRequestsPerSession(workload: Workload, sessions = 4000): number {
  const rng = new Random(0x5e55);
  let n = 0;
  for (let i = 0; i < sessions; i++) {
    const s = workload.session(rng);
    for (let r = s.next(); !r.done; r = s.next({ ok: true, status: '200' })) n++;
  }
  return n / sessions;
}
