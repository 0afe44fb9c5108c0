import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baselineFrom, checkQuality, formatResults, type BaselineCheck, type QualityBaseline } from '../../src/harness/quality/quality-gate.ts';
import { fixedThreshold, leakTestNormals, mutate, shuffled } from '../../src/harness/quality/mutations.ts';
import type { CellRecord } from '../../src/harness/experiments/runner.ts';
import type { Dataset } from '../../src/lib/contracts/dataset.ts';
import type { Detector } from '../../src/lib/contracts/detector.ts';
import { Registry, type DetectionMethod } from '../../src/harness/experiments/registry.ts';
import { cli } from '../helpers/cli.ts';
import { fixture, tempDir } from '../helpers/files.ts';

const cell = (dataset: string, method: string, metrics: Record<string, number>): CellRecord =>
  ({ spec: { dataset, method }, result: { status: 'ok', metrics, times: { trainSec: 1, testSec: 1 } } } as unknown as CellRecord);
const check = (metric: string, value: number, tolerance: number, floor?: number): BaselineCheck => ({ experiment: 'e', dataset: 'd', method: 'm', metric, value, tolerance, toleranceSource: 'test', ...(floor !== undefined ? { floor } : {}) });
const baseline = (checks: BaselineCheck[]): QualityBaseline => ({ format: 'traceanomaly-quality-baseline', version: 2, experiments: ['e'], checks, floorChanges: [] });

describe('quality gate checks', () => {
  it('fails a drop and a rise beyond the tolerance, a value under the floor, and a missing number', () => {
    const b = baseline([check('auprc', 0.9, 0.02, 0.85), check('recall', 0.8, 0.02), check('precision', 0.7, 0.05, 0.69), check('f1', 0.5, 0.1)]);
    const r = checkQuality({ e: [cell('d', 'm', { auprc: 0.881, recall: 0.83, precision: 0.68 })] }, b);
    expect(r.map((x) => [x.check.metric, x.ok, x.why ?? null])).toEqual([
      ['auprc', true, null],
      ['recall', false, 'rose beyond the tolerance (leakage?)'],
      ['precision', false, 'below the floor 0.69'],
      ['f1', false, 'missing'],
    ]);
    expect(r[0].delta).toBeCloseTo(-0.019, 12);
    expect(checkQuality({ e: [cell('d', 'm', { auprc: 0.879 })] }, baseline([check('auprc', 0.9, 0.02)]))[0].why).toBe('fell beyond the tolerance');
  });

  it('holds deterministic methods to 1e-9, and reads localisation metrics by their flat names', () => {
    const b = baseline([check('auprc', 0.5, 1e-9)]);
    expect(checkQuality({ e: [cell('d', 'm', { auprc: 0.5 + 5e-10 })] }, b)[0].ok).toBe(true);
    expect(checkQuality({ e: [cell('d', 'm', { auprc: 0.5 + 2e-9 })] }, b)[0].ok).toBe(false);
    const loc = { spec: { dataset: 'd', method: 'm' }, result: { status: 'ok', ranking: { cases: 3, precisionAtK: { 1: 2 / 3 } }, times: { trainSec: 0, testSec: 0 } } } as unknown as CellRecord;
    expect(checkQuality({ e: [loc] }, baseline([check('p@1', 2 / 3, 0)]))[0].ok).toBe(true);
  });

  it('summarises as passed/failed counts', () => {
    const lines = formatResults(checkQuality({ e: [cell('d', 'm', { auprc: 0.9 })] }, baseline([check('auprc', 0.9, 0.01), check('f1', 0.5, 0.01)])));
    expect(lines.at(-1)).toBe('quality gate: FAILED (1 passed, 1 failed of 2 checks)');
    expect(lines[1]).toMatch(/^FAIL e\/d\/m\/f1 .*: missing$/);
  });

  it('--update records the run, keeps tolerances and floors, and lowers a floor only with a reason, which it records', () => {
    const b = baseline([check('auprc', 0.9, 0.02, 0.85)]);
    expect(baselineFrom({ e: [cell('d', 'm', { auprc: 0.8712345678 })] }, b).checks[0]).toMatchObject({ value: 0.8712345678, tolerance: 0.02, floor: 0.85 });
    expect(() => baselineFrom({ e: [cell('d', 'm', { auprc: 0.8 })] }, b)).toThrow(/beyond their floor or ceiling .*e\/d\/m\/auprc 0.8 < floor 0.85/);
    expect(() => baselineFrom({ e: [] }, b)).toThrow(/no value for e\/d\/m\/auprc/);
    const lowered = baselineFrom({ e: [cell('d', 'm', { auprc: 0.8 })] }, b, { lowerFloor: { reason: 'smaller sample', date: '2026-12-05' } });
    expect(lowered.checks[0]).toMatchObject({ value: 0.8, floor: 0.8 });
    expect(lowered.floorChanges).toEqual([{ date: '2026-12-05', check: 'e/d/m/auprc', from: 0.85, to: 0.8, reason: 'smaller sample' }]);
  });

  it('holds a lower-is-better metric (fpr) under its ceiling, in checks and in --update', () => {
    const b = baseline([{ ...check('fpr', 0.02, 0.01), ceiling: 0.025 }]);
    expect(checkQuality({ e: [cell('d', 'm', { fpr: 0.024 })] }, b)[0].ok).toBe(true);
    // within the tolerance of the value, but above the ceiling
    expect(checkQuality({ e: [cell('d', 'm', { fpr: 0.026 })] }, b)[0].why).toBe('above the ceiling 0.025');
    expect(() => baselineFrom({ e: [cell('d', 'm', { fpr: 0.03 })] }, b)).toThrow(/e\/d\/m\/fpr 0.03 > ceiling 0.025/);
    expect(baselineFrom({ e: [cell('d', 'm', { fpr: 0.03 })] }, b, { lowerFloor: { reason: 'r', date: 'd' } }).checks[0]).toMatchObject({ value: 0.03, ceiling: 0.03 });
  });
});

describe('mutations the gate must catch', () => {
  const inner = { name: 'd', needs: 'stv', detects: ['rt'], options: {}, fit: async () => {}, score: async () => Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8), decide: (s: Float64Array) => Uint8Array.from(s, (v) => (v > 6 ? 1 : 0)) } as Detector;

  it('shuffle: the same scores on other rows; fixed-threshold: verdicts score > t', async () => {
    const scores = await shuffled(inner, 1).score({});
    expect([...scores].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...scores]).not.toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...fixedThreshold(inner, 2.5).decide(Float64Array.of(1, 3, -Infinity, Infinity))]).toEqual([0, 1, 0, 1]);
  });

  it('leak: the test split\'s normal rows join the training rows', () => {
    const stv = (ids: string[]) => ({ ids, width: 2, values: Float32Array.from(ids.flatMap((_, i) => [i, i])) });
    const d: Dataset = {
      name: 'x', description: '', anomalyTypes: [], provenance: {},
      train: { stv: stv(['a', 'b']) },
      test: { stv: stv(['n1', 'x1', 'n2']), labels: new Map([['n1', { label: 0 }], ['x1', { label: 1 }], ['n2', { label: 0 }]]) },
    };
    const leaked = leakTestNormals(d);
    expect(leaked.train.stv!.ids).toEqual(['a', 'b', 'n1', 'n2']);
    expect([...leaked.train.stv!.values]).toEqual([0, 0, 1, 1, 0, 0, 2, 2]);
    expect(leaked.test).toBe(d.test);
  });

  it('no-flow and lz1 give TraceAnomaly K = 0 and L_z = 1 under its name, in cells of their own', async () => {
    const seen: Record<string, unknown>[] = [];
    const ta: DetectionMethod = { kind: 'detection', name: 'traceanomaly', description: '', version: '1', create: ({ options }) => (seen.push(options), inner) };
    for (const [m, expected] of [['no-flow', { flowLength: 0 }], ['lz1', { samples: 1 }]] as const) {
      const r = new Registry().addMethod(ta);
      mutate(r, m);
      const entry = r.method('traceanomaly') as DetectionMethod;
      expect(entry.version).toBe(`1-mutated-${m}`);
      await entry.create({ seed: 1, quick: false, options: { alpha: 0.01 } });
      expect(seen.at(-1)).toEqual({ alpha: 0.01, ...expected });
    }
  });
});

describe('the gate end to end (the demo detector)', () => {
  const dir = tempDir();
  const file = join(dir, 'baseline.json');
  copyFileSync(fixture('quality/demo-baseline.json'), file);

  it('passes on a healthy detector and fails when its scores are shuffled', () => {
    const ok = cli('quality', '--baseline', file);
    expect(ok.stdout).toMatch(/quality gate: passed \(2 passed, 0 failed of 2 checks\)/);
    expect(ok.code).toBe(0);
    const bad = cli('quality', '--baseline', file, '--mutate', 'shuffle');
    expect(bad.stdout).toMatch(/FAIL .*demo-zscore\/auprc/);
    expect(bad.stdout).toMatch(/quality gate: FAILED/);
    expect(bad.code).toBe(1);
    expect(cli('quality', '--baseline', file, '--mutate', 'nope').code).toBe(2);
  });

  it('--update --lower-floor needs a reason, lowers the floor to the run\'s value and records why', () => {
    const b = JSON.parse(readFileSync(file, 'utf8')) as QualityBaseline;
    b.checks[1].floor = 0.99;
    const raised = join(dir, 'raised.json');
    writeFileSync(raised, JSON.stringify(b));
    expect(cli('quality', '--baseline', raised, '--update', '--lower-floor').code).toBe(2);
    expect(cli('quality', '--baseline', raised, '--update', '--lower-floor', '--reason', 'the demo changed').code).toBe(0);
    const after = JSON.parse(readFileSync(raised, 'utf8')) as QualityBaseline;
    expect(after.checks[1].floor).toBeCloseTo(0.969697, 6);
    expect(after.floorChanges[0]).toMatchObject({ check: expect.stringMatching(/demo-zscore\/f1$/), from: 0.99, reason: 'the demo changed' });
  });
});
