import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../src/harness/experiments/builtins.ts';
import { createDetector } from '../../src/harness/registry/create.ts';

describe('neural baseline registry: aevb and omnianomaly', () => {
  it('makes aevb and omnianomaly with defaults filled in and the cell seed; both detect rt only', () => {
    const aevb = createDetector('aevb', { window: 8 }, 5);
    expect(aevb.options).toMatchObject({ window: 8, key: 'service', axis: 'trace', fill: 'zero', kappa: 3, seed: 5 });
    expect(aevb.detects).toEqual(['rt']);
    expect(createDetector('aevb', { unseen: 'anomalous' }).detects).toEqual(['rt', 'path']);
    const omni = createDetector('omnianomaly', { dimensions: 'callpath' }, 2);
    expect(omni.options).toMatchObject({ dimensions: 'callpath', fill: 'absent', prior: 'lgssm', potLevel: 0.01, potQ: 1e-3, seed: 2 });
    expect(omni.needs).toBe('either');
    expect(createDetector('omnianomaly').needs).toBe('traces');
    const registry = builtinRegistry();
    for (const name of ['aevb', 'omnianomaly']) expect(registry.method(name).kind).toBe('detection');
  });

  it('rejects unknown names, unknown options, mistyped values and inconsistent settings', () => {
    expect(() => createDetector('lstm')).toThrow(/unknown method "lstm"/);
    expect(() => createDetector('aevb', { windowSize: 3 })).toThrow(/aevb: unknown option "windowSize"/);
    expect(() => createDetector('omnianomaly', { window: '20' })).toThrow(/option "window" must be an integer >= \d+, found "20"/);
    expect(() => createDetector('aevb', { axis: 'span', fill: 'mean' })).toThrow(/fill applies to axis "trace" only/);
    expect(() => createDetector('aevb', { toleranceP: 2, toleranceQ: 3 })).toThrow(/aevb: toleranceQ \(3\) must be at most toleranceP \(2\)/);
    expect(() => createDetector('aevb', { fill: 'absent' })).toThrow(/aevb: option "fill" must be one of zero, previous, mean, found "absent"/);
    expect(() => createDetector('omnianomaly', { prior: 'kalman' })).toThrow(/option "prior" must be one of lgssm, normal, found "kalman"/);
  });
});
