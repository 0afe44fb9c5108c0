import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/lib/contracts/dataset.ts';
import { builtinRegistry } from '../../src/harness/experiments/builtins.ts';
import type { DetectionMethod, TaskMethod } from '../../src/harness/experiments/registry.ts';

/** A 2-dimension service (what density-grid needs); its values do not matter here. */
const twoDim = { ids: ['a', 'b', 'c'], width: 2, values: Float32Array.of(1, 2, 3, 4, 5, 6) };
const dataset = { name: 'two', train: { stv: twoDim }, test: { stv: twoDim } } as unknown as Dataset;

describe('options that experiment files give methods', () => {
  const registry = builtinRegistry();
  it('are checked for the detection methods built on TraceAnomaly\'s pipeline: a misspelt one is an error naming it', async () => {
    const create = (name: string, options: Record<string, unknown>) => (registry.method(name) as DetectionMethod).create({ seed: 1, options } as never);
    for (const [name, typo] of [['traceanomaly', 'maxEpoch'], ['vae', 'sample'], ['gmm', 'component'], ['kde', 'kernelBandwith']]) {
      await expect(async () => create(name, { [typo]: 5 })).rejects.toThrow(new RegExp(`${name}: unknown option "${typo}"`));
    }
    expect(await create('gmm', { components: [1, 2] })).toBeTruthy();
  });

  it('are checked by the Fig. 11 task for each model it builds', async () => {
    const task = registry.method('density-grid') as TaskMethod;
    for (const model of ['traceanomaly', 'vae', 'gmm', 'kde']) {
      await expect(task.run({ seed: 1, options: { model, grid: 2, maxEpoch: 5 }, dataset, hooks: {} } as never)).rejects.toThrow(/unknown option "maxEpoch"/);
    }
  });
});
