import { beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../src/lib/util/random.ts';
import { traceId } from '../../datasets/sim/ids.ts';
import { CallPathList } from '../../src/lib/callpaths/call-path-list.ts';
import { ENTRANCE, responseTime, type Trace } from '../../src/lib/trace/trace.ts';
import type { SimTrace } from '../../datasets/sim/run.ts';
import { simulateTrainTicket, TRAINTICKET_PRESETS, trainTicketDays } from '../../datasets/trainticket/simulate.ts';
import { SMALL_SERVICES, smallConfig } from '../helpers/sim.ts';

/** Mann-Whitney U test, normal approximation with tie correction: two-sided p-value. */
function mannWhitney(a: number[], b: number[]): number {
  const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((x, y) => x.v - y.v);
  const ranks = new Float64Array(all.length);
  let ties = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1].v === all[i].v) j++;
    for (let k = i; k <= j; k++) ranks[k] = (i + j) / 2 + 1;
    const t = j - i + 1;
    ties += t ** 3 - t;
    i = j + 1;
  }
  let r1 = 0;
  all.forEach((x, k) => x.g === 0 && (r1 += ranks[k]));
  const n1 = a.length;
  const n2 = b.length;
  const n = n1 + n2;
  const u = r1 - (n1 * (n1 + 1)) / 2;
  const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1))));
  const z = Math.abs(u - (n1 * n2) / 2) / sd;
  // two-sided tail of the standard normal (Abramowitz-Stegun 7.1.26 on erfc)
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return erfc;
}

describe('TrainTicket simulator, quick preset', () => {
  let train: Trace[];
  let test: SimTrace[];
  let services: string[];
  let list: CallPathList;
  beforeAll(() => {
    const days = trainTicketDays(TRAINTICKET_PRESETS.quick);
    train = [...days.train].map((s) => s.trace);
    test = [...days.test];
    services = days.model.services;
    list = CallPathList.fromTraces(train);
  });

  it('reaches all 41 ts-* services in its normal traffic', () => {
    expect(services).toHaveLength(41);
    const seen = new Set(train.flatMap((t) => t.calls.map((c) => c.callee)));
    for (const s of services) expect(seen.has(s), s).toBe(true);
  });

  it('has between 100 and 2,000 STV dimensions', () => {
    expect(list.width).toBeGreaterThanOrEqual(100);
    expect(list.width).toBeLessThanOrEqual(2000);
  });

  it('has both anomaly types for every injected service that another service calls, rt only for entry-only services', () => {
    const types = new Map<string, Set<string>>();
    for (const s of test) if (s.fault) (types.get(s.fault.service) ?? types.set(s.fault.service, new Set()).get(s.fault.service)!).add(s.label.anomalyType!);
    // the ingress is not traced: a removed service that only clients call leaves no trace at all
    const called = new Set(train.flatMap((t) => t.calls.filter((c) => c.caller !== ENTRANCE).map((c) => c.callee)));
    for (const svc of services) expect([...(types.get(svc) ?? [])].sort(), svc).toEqual(called.has(svc) ? ['path', 'rt'] : ['rt']);
  });

  it('has a microservice whose response time differs between two of its call paths (Fig. 4)', () => {
    // ts-station-service: the id lookups of basic-service (from a search) vs those preserve makes itself
    const byPath = new Map<string, number[]>();
    for (const t of train.slice(0, 8000)) {
      for (const p of list.pathsOf(t)) if (p.service === 'ts-station-service') (byPath.get(p.id) ?? byPath.set(p.id, []).get(p.id)!).push(responseTime(t.calls[p.call]));
    }
    const [a, b] = [...byPath.values()].sort((x, y) => y.length - x.length);
    const median = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1];
    expect(a.length).toBeGreaterThan(500);
    expect(b.length).toBeGreaterThan(500);
    expect(median(a)).not.toBe(median(b));
    expect(mannWhitney(a, b)).toBeLessThan(1e-6);
  });

  it('never repeats a trace id, within a day or between the training and test days', () => {
    // 19,000 + 87,000 traces drawn: ids with only 32 random bits would collide here (birthday bound)
    const ids = new Set([...train.map((t) => t.id), ...test.map((s) => s.trace.id)]);
    expect(ids.size).toBe(train.length + test.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    // each trace's generator has a 32-bit seed, so two traces can share it (seed 3's quick test day has such a
    // pair): their ids still differ, by their number in the day and by the day's seed
    const same = (daySeed: number, n: number) => traceId(new Random(42), daySeed, n);
    expect(new Set([same(1, 0), same(1, 1), same(2, 0), same(2, 1)]).size).toBe(4);
  });

  it('keeps the test set near the paper\'s size (30,356 normal, 5,079 anomalous traces) with each type 35-65% of the anomalies', () => {
    const count = (k: string) => test.filter((s) => (s.label.label === 0 ? 'normal' : s.label.anomalyType) === k).length;
    expect(Math.abs(count('normal') / 30_356 - 1)).toBeLessThan(0.1);
    const anomalous = count('rt') + count('path');
    expect(Math.abs(anomalous / 5_079 - 1)).toBeLessThan(0.1);
    for (const t of ['rt', 'path']) expect(count(t) / anomalous).toBeGreaterThan(0.35);
  });
});

describe('TrainTicket simulator, labels and determinism', () => {
  const days = trainTicketDays(smallConfig());
  const test = [...days.test];

  it('labels a trace anomalous only when the fault touched it', () => {
    let rt = 0;
    let path = 0;
    // the calls of a trace made to a window's service while the window was on
    const during = (s: (typeof test)[number], w: (typeof days.faults)[number]) => s.trace.calls.filter((c) => c.callee === w.service && c.callSent! >= w.start && c.callSent! < w.end);
    for (const s of test) {
      if (s.label.label === 0) {
        // normal traces never met a faulty service while it was faulty
        for (const w of days.faults) expect(during(s, w).length).toBe(0);
        continue;
      }
      expect(s.fault).not.toBeNull();
      expect(SMALL_SERVICES).toContain(s.fault!.service);
      const calls = during(s, s.fault!);
      if (s.label.anomalyType === 'rt') {
        rt++;
        // delayed calls to the service, each named among the root-cause dimensions
        expect(calls.length).toBeGreaterThan(0);
        const dims = s.label.rootCause!.split(';');
        const ids = new Map(list(s.trace).map((p) => [p.call, p.id]));
        for (const c of calls) expect(dims).toContain(ids.get(s.trace.calls.indexOf(c)));
        expect(dims.every((d) => d.startsWith(`${s.fault!.service}(`))).toBe(true);
      } else {
        path++;
        // the removed service never answers: no call to it is recorded while it is gone
        expect(calls.length).toBe(0);
        expect(s.label.rootCause).toBe(s.fault!.service);
      }
    }
    expect(rt).toBeGreaterThan(50);
    expect(path).toBeGreaterThan(50);
  });

  it('gives the same traces for the same seed and other traces for another', () => {
    const again = [...trainTicketDays(smallConfig()).test];
    expect(JSON.stringify(again.slice(0, 300))).toBe(JSON.stringify(test.slice(0, 300)));
    const other = [...trainTicketDays(smallConfig(8)).test];
    expect(other[0].trace.id).not.toBe(test[0].trace.id);
  });

  it('hands experiments a Dataset in memory', () => {
    const ds = simulateTrainTicket(smallConfig(), 'small');
    expect(ds.anomalyTypes).toEqual(['rt', 'path']);
    expect(ds.train.traces!.length).toBeGreaterThan(3000);
    expect(ds.train.labels).toBeUndefined();
    expect(ds.test.labels!.size).toBe(ds.test.traces!.length);
    expect(ds.test.traces!.map((t) => t.id)).toEqual(test.map((s) => s.trace.id));
    expect(ds.faults).toHaveLength(2 * SMALL_SERVICES.length);
  });
});

const ids = CallPathList.fromTraces([]);
const list = (t: Trace) => ids.pathsOf(t);
