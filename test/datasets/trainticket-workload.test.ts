import { describe, expect, it } from 'vitest';
import { buildModel } from '../../datasets/trainticket/model.ts';
import { SESSION_WEIGHTS, TrainTicketWorkload, type SessionKind } from '../../datasets/trainticket/workload.ts';
import { Random } from '../../src/lib/util/random.ts';

const model = buildModel();
const only = (kind: SessionKind) => Object.fromEntries(Object.keys(SESSION_WEIGHTS).map((k) => [k, k === kind ? 1 : 0])) as Record<SessionKind, number>;

/** The entry endpoints (the ingress, ts-ui-dashboard, proxying) a session asks for when every step fails (at most 50). */
function failingSession(abandon: number, seed: number): string[] {
  const s = new TrainTicketWorkload(model, only('booking'), abandon).session(new Random(seed));
  const asked: string[] = [];
  for (let r = s.next(); !r.done && asked.length < 50; r = s.next({ ok: false, status: '500' })) asked.push(r.value.entry.id);
  return asked;
}

describe('TrainTicket workload, session abandonment', () => {
  it('ends a booking session at its first failed checked step when abandonment is 1 (captcha, then the failed login)', () => {
    for (const seed of [1, 2, 3]) {
      const asked = failingSession(1, seed);
      expect(asked).toHaveLength(2);
      expect(asked[1]).toBe('ts-ui-dashboard:POST /api/v1/users/login'); // the ingress endpoint that proxies to ts-auth-service
    }
  });

  it('carries a session on past every failure when abandonment is 0, and stops some sessions early at 0.4', () => {
    const lengths = (a: number) => [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => failingSession(a, seed).length);
    // with 0 every session goes past the login to its search at least
    expect(Math.min(...lengths(0))).toBeGreaterThan(2);
    const mid = lengths(0.4);
    expect(mid.some((n) => n === 2)).toBe(true);
    expect(mid.reduce((a, b) => a + b)).toBeLessThan(lengths(0).reduce((a, b) => a + b));
  });
});
