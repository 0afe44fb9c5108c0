import { describe, expect, it } from 'vitest';
import { BASELINE_NAMES, createBaseline } from './registry.ts';

describe('baseline registry', () => {
  it('makes every baseline with its options recorded, defaults filled in', () => {
    for (const name of BASELINE_NAMES) {
      const d = createBaseline(name);
      expect(d.name).toBe(name);
      expect(Object.keys(d.options).length).toBeGreaterThan(3);
      expect(d.detects.length).toBeGreaterThan(0);
    }
    expect(createBaseline('wfg', { learner: 'bigram' }).options).toMatchObject({ learner: 'bigram', k: 2, sigmaK: 3 });
    expect(createBaseline('cfg').detects).toEqual(['rt']);
    expect(createBaseline('cpd').detects).toEqual(['path']);
  });

  it('rejects unknown baselines, unknown options and mistyped values', () => {
    expect(() => createBaseline('deeplog')).toThrow(/unknown baseline "deeplog"/);
    expect(() => createBaseline('wfg', { ktails: 3 })).toThrow(/wfg: unknown option "ktails"/);
    expect(() => createBaseline('hstv-3sigma', { k: '3' })).toThrow(/option "k" must be a number/);
    expect(() => createBaseline('rule', { faultCodes: '5xx' })).toThrow(/option "faultCodes" must be an array/);
  });
});
