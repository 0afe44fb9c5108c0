import { describe, expect, it } from 'vitest';
import { createDetector } from '../../src/harness/registry/create.ts';

const BASELINE_NAMES = ['wfg', 'cfg', 'cpd', 'rule', 'hstv-3sigma'];
const NEURAL_BASELINE_NAMES = ['aevb', 'omnianomaly', 'deeplog', 'multimodal-lstm'];
import { syntheticTraces } from '../../bench/synthetic-traces.ts';

describe('method registry: the baselines', () => {
  it('makes every baseline with its options recorded, defaults filled in', () => {
    for (const name of BASELINE_NAMES) {
      const d = createDetector(name);
      expect(d.name).toBe(name);
      expect(Object.keys(d.options).length).toBeGreaterThan(3);
      expect(d.detects.length).toBeGreaterThan(0);
    }
    expect(createDetector('wfg', { learner: 'bigram' }).options).toMatchObject({ learner: 'bigram', kTails: 2, sigmaK: 3 });
    expect(createDetector('cfg').detects).toEqual(['rt']);
    expect(createDetector('cpd').detects).toEqual(['path']);
  });

  it('makes the neural baselines with the cell seed winning over a seed option', () => {
    for (const name of NEURAL_BASELINE_NAMES) {
      expect(createDetector(name).name).toBe(name);
      expect(createDetector(name, { seed: 4 }).options).toMatchObject({ seed: 4 });
      expect(createDetector(name, { seed: 4 }, 9).options).toMatchObject({ seed: 9 });
    }
    expect(createDetector('deeplog', { g: 3 }).options).toMatchObject({ g: 3, h: 10, hidden: [64, 64], rtGroup: 'transition' });
    expect(() => createDetector('deeplog', { window: 5 })).toThrow(/deeplog: unknown option "window"/);
    expect(createDetector('multimodal-lstm').options).toMatchObject({ topK: 5, z: 3, label: 'call-key' });
    expect(() => createDetector('multimodal-lstm', { shared: 64 })).toThrow(/option "shared" must be a non-empty list of integers >= 1, found 64/);
  });

  it('rejects unknown baselines, unknown options and mistyped values', () => {
    expect(() => createDetector('no-such-method')).toThrow(/unknown method "no-such-method"/);
    expect(() => createDetector('wfg', { ktails: 3 })).toThrow(/wfg: unknown option "ktails"/);
    expect(() => createDetector('hstv-3sigma', { sigmaK: '3' })).toThrow(/option "sigmaK" must be a number > 0, found "3"/);
    expect(() => createDetector('rule', { faultCodes: '5xx' })).toThrow(/option "faultCodes" must be a list of strings/);
  });
});

describe('every baseline on a small synthetic service', () => {
  const all = syntheticTraces(400, 30, 4, 10, 1);
  const train = all.slice(0, 300);
  const normal = all.slice(300);
  const base = all[0];
  const truncated = { id: 'cut', calls: base.calls.slice(0, -1) };
  const slow = { id: 'slow', calls: base.calls.map((c, k) => (k === 0 ? { ...c, responseSent: c.responseSent + 5000 } : c)) };
  const fault = { id: 'fault', calls: base.calls.map((c, k) => (k === 3 ? { ...c, status: '500' } : c)) };
  const anomalies = [truncated, slow, fault];

  it.each(BASELINE_NAMES)('%s: passes the normal test traces; types only what it declares', async (name) => {
    const det = createDetector(name);
    await det.fit({ traces: train });
    expect([...det.decide(await det.score({ traces: normal }))].every((f) => f === 0)).toBe(true);
    const types = await det.anomalyTypes!({ traces: anomalies });
    for (const t of types) if (t !== null) expect(det.detects).toContain(t);
  });

  it('the truncated trace is a path anomaly for wfg, cpd and hstv-3sigma; the rule catches the slow call and the fault', async () => {
    const verdicts: Record<string, (string | null)[]> = {};
    for (const name of BASELINE_NAMES) {
      const det = createDetector(name);
      await det.fit({ traces: train });
      verdicts[name] = await det.anomalyTypes!({ traces: anomalies });
    }
    expect(verdicts.wfg[0]).toBe('path');
    expect(verdicts.cpd[0]).toBe('path');
    expect(verdicts['hstv-3sigma'][0]).toBe('path');
    expect(verdicts['hstv-3sigma'][1]).toBe('rt');
    expect(verdicts.rule).toEqual([null, 'rt', 'path']);
  });
});
