import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../src/experiments/builtins.ts';
import { createDeepBaseline, DEEP_BASELINE_NAMES } from './deep-registry.ts';

describe('neural baseline registry', () => {
  it('makes aevb and omnianomaly with defaults filled in and the cell seed; both detect rt only', () => {
    expect(DEEP_BASELINE_NAMES).toEqual(['aevb', 'omnianomaly']);
    const aevb = createDeepBaseline('aevb', { window: 8 }, 5);
    expect(aevb.options).toMatchObject({ window: 8, key: 'service', axis: 'trace', fill: 'zero', kappa: 3, seed: 5 });
    expect(aevb.detects).toEqual(['rt']);
    expect(createDeepBaseline('aevb', { unseen: 'anomalous' }).detects).toEqual(['rt', 'path']);
    const omni = createDeepBaseline('omnianomaly', { dimensions: 'callpath' }, 2);
    expect(omni.options).toMatchObject({ dimensions: 'callpath', fill: 'absent', prior: 'lgssm', potLevel: 0.01, potQ: 1e-3, seed: 2 });
    expect(omni.needs).toBe('either');
    expect(createDeepBaseline('omnianomaly').needs).toBe('traces');
    const registry = builtinRegistry();
    for (const name of DEEP_BASELINE_NAMES) expect(registry.method(name).kind).toBe('detection');
  });

  it('rejects unknown names, unknown options, mistyped values and inconsistent settings', () => {
    expect(() => createDeepBaseline('lstm')).toThrow(/unknown neural baseline "lstm"/);
    expect(() => createDeepBaseline('aevb', { windowSize: 3 })).toThrow(/aevb: unknown option "windowSize"/);
    expect(() => createDeepBaseline('omnianomaly', { window: '20' })).toThrow(/option "window" must be a number/);
    expect(() => createDeepBaseline('aevb', { axis: 'span', fill: 'mean' })).toThrow(/fill applies to axis "trace" only/);
    expect(() => createDeepBaseline('aevb', { toleranceP: 2, toleranceQ: 3 })).toThrow(/1 <= q <= p/);
    expect(() => createDeepBaseline('aevb', { fill: 'absent' })).toThrow(/aevb: option "fill" must be one of "zero", "previous", "mean"/);
    expect(() => createDeepBaseline('omnianomaly', { prior: 'kalman' })).toThrow(/option "prior" must be one of "lgssm", "normal"/);
  });
});
