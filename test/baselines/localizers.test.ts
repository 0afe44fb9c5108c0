import { describe, expect, it } from 'vitest';
import { createLocalizer } from '../../src/harness/registry/create.ts';
import { METHODS } from '../../src/harness/registry/methods.ts';

const LOCALIZER_NAMES = METHODS.filter((m) => m.kind === 'localization').map((m) => m.name);
import { DEFAULT_FAULTS, faultScenario } from '../helpers/fault-scenario.ts';
import { builtinRegistry } from '../../src/harness/experiments/builtins.ts';
import { runCell } from '../../src/harness/experiments/run-cell.ts';
import type { LocalizationMethod } from '../../src/harness/experiments/registry.ts';

describe('localiser registry', () => {
  it('makes the four localisers of Table IV with checked options; the cell seed seeds the seeded one', () => {
    expect(LOCALIZER_NAMES).toEqual(['traceanomaly-rca', 'monitorrank', 'rcsf', 'mepfl']);
    for (const name of LOCALIZER_NAMES) expect(createLocalizer(name).name).toBe(name);
    expect(createLocalizer('mepfl', {}, 7).options).toMatchObject({ seed: 7, learner: 'rf' });
    // the cell's seed is what --seeds varies: it replaces a seed option, as for the detectors
    expect(createLocalizer('mepfl', { seed: 2 }, 7).options).toMatchObject({ seed: 7 });
    expect(createLocalizer('mepfl', { seed: 2 }).options).toMatchObject({ seed: 2 });
    expect(createLocalizer('mepfl').supervised).toBe(true);
    expect(() => createLocalizer('microrank')).toThrow(/unknown localiser "microrank"/);
    expect(() => createLocalizer('rcsf', { minsup: 0.2 })).toThrow(/rcsf: unknown option "minsup"/);
    expect(() => createLocalizer('monitorrank', { rho: '0.1' })).toThrow(/option "rho" must be a number .*, found "0.1"/);
  });
});

describe('the four localisers as experiment cells on planted faults (Tables IV and V numbers)', () => {
  const ds = faultScenario({ seed: 1, minutes: 130, perMinute: 8, faults: DEFAULT_FAULTS, train: 300 });
  const registry = builtinRegistry();
  const cell = (name: string, dataset = ds) => runCell(registry.method(name) as LocalizationMethod, { seed: 1, quick: true, options: {} }, dataset, {});
  const anomalies = [...ds.test.labels!.values()].filter((l) => l.label === 1).length;

  it('traceanomaly-rca: every root cause at the top, by service and by dimension; internal and external counted', async () => {
    const out = await cell('traceanomaly-rca');
    expect(out.ranking).toEqual({ cases: anomalies, precisionAtK: { 1: 1, 2: 1, 3: 1 } });
    const v = out.values!;
    expect(v['dimension.p@1']).toBe(1);
    expect(v['internal.cases'] + v['external.cases']).toBe(anomalies);
    expect(v['external.cases']).toBeGreaterThan(0);
    expect([v['internal.localized'], v['external.localized']]).toEqual([v['internal.cases'], v['external.cases']]);
  });

  it('monitorrank, rcsf and mepfl run; rcsf (error paths from every error node) favours upstream services', async () => {
    const [mr, rcsf, mepfl] = await Promise.all(['monitorrank', 'rcsf', 'mepfl'].map((m) => cell(m)));
    for (const out of [mr, rcsf, mepfl]) {
      expect(out.status).toBe('ok');
      expect(out.ranking!.cases).toBe(anomalies);
      expect(out.values!['dimension.p@1']).toBeUndefined(); // they rank services only
    }
    expect(mr.ranking!.precisionAtK[1]).toBeGreaterThan(0.8);
    expect(rcsf.ranking!.precisionAtK[1]).toBeLessThan(0.5);
    expect(rcsf.ranking!.precisionAtK[3]).toBeGreaterThan(rcsf.ranking!.precisionAtK[1]!);
    expect(mepfl.ranking!.precisionAtK[1]).toBeGreaterThan(0.9);
  });

  it('mepfl is not applicable without labelled fault-injection training traces', async () => {
    const { faultTrain: _, ...unlabelled } = ds;
    const out = await cell('mepfl', unlabelled);
    expect(out.status).toBe('not-applicable');
    expect(out.reason).toMatch(/supervised/);
  });
});
