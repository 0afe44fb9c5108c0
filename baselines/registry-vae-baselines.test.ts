import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../src/experiments/builtins.ts';
import { createBaseline } from './registry.ts';

describe('neural baseline registry: aevb and omnianomaly', () => {
  it('makes aevb and omnianomaly with defaults filled in and the cell seed; both detect rt only', () => {
    const aevb = createBaseline('aevb', { window: 8 }, 5);
    expect(aevb.options).toMatchObject({ window: 8, key: 'service', axis: 'trace', fill: 'zero', kappa: 3, seed: 5 });
    expect(aevb.detects).toEqual(['rt']);
    expect(createBaseline('aevb', { unseen: 'anomalous' }).detects).toEqual(['rt', 'path']);
    const omni = createBaseline('omnianomaly', { dimensions: 'callpath' }, 2);
    expect(omni.options).toMatchObject({ dimensions: 'callpath', fill: 'absent', prior: 'lgssm', potLevel: 0.01, potQ: 1e-3, seed: 2 });
    expect(omni.needs).toBe('either');
    expect(createBaseline('omnianomaly').needs).toBe('traces');
    const registry = builtinRegistry();
    for (const name of ['aevb', 'omnianomaly']) expect(registry.method(name).kind).toBe('detection');
  });

  it('rejects unknown names, unknown options, mistyped values and inconsistent settings', () => {
    expect(() => createBaseline('lstm')).toThrow(/unknown baseline "lstm"/);
    expect(() => createBaseline('aevb', { windowSize: 3 })).toThrow(/aevb: unknown option "windowSize"/);
    expect(() => createBaseline('omnianomaly', { window: '20' })).toThrow(/option "window" must be a number/);
    expect(() => createBaseline('aevb', { axis: 'span', fill: 'mean' })).toThrow(/fill applies to axis "trace" only/);
    expect(() => createBaseline('aevb', { toleranceP: 2, toleranceQ: 3 })).toThrow(/1 <= q <= p/);
    expect(() => createBaseline('aevb', { fill: 'absent' })).toThrow(/aevb: option "fill" must be one of "zero", "previous", "mean"/);
    expect(() => createBaseline('omnianomaly', { prior: 'kalman' })).toThrow(/option "prior" must be one of "lgssm", "normal"/);
  });
});
