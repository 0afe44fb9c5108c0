import { describe, expect, it } from 'vitest';
import { checkQuality, type QualityBaseline } from '../../src/quality/quality-gate.ts';
import { degraded } from '../../src/quality/degrade.ts';
import type { CellRecord } from '../../src/experiments/runner.ts';
import type { Detector } from '../../src/contracts/detector.ts';
import { cli } from '../helpers/cli.ts';
import { fixture } from '../helpers/files.ts';

const cell = (method: string, metrics: Record<string, number>): CellRecord =>
  ({ spec: { method }, result: { metrics } } as unknown as CellRecord);

describe('quality gate', () => {
  const baseline: QualityBaseline = { experiment: 'x', tolerance: 0.03, methods: { a: { auprc: 0.9, f1: 0.8 }, b: { auprc: 0.5 } } };

  it('passes values within the tolerance below the baseline, fails larger drops and missing methods', () => {
    const checks = checkQuality([cell('a', { auprc: 0.871, f1: 0.95 }), cell('b', { auprc: 0.4 })], baseline);
    expect(checks.map((c) => [c.method, c.metric, c.ok])).toEqual([
      ['a', 'auprc', true],
      ['a', 'f1', true],
      ['b', 'auprc', false],
    ]);
    expect(checks[0].delta).toBeCloseTo(-0.029, 10);
    const missing = checkQuality([cell('a', { auprc: 0.9, f1: 0.8 })], baseline);
    expect(missing.find((c) => c.method === 'b')).toMatchObject({ value: null, ok: false });
  });

  it('degrades a detector by shuffling its scores (same values, other traces)', async () => {
    const inner = { name: 'd', needs: 'stv', detects: ['rt'], options: {}, fit: async () => {}, score: async () => Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8), decide: (s: Float64Array) => Uint8Array.from(s, (v) => (v > 6 ? 1 : 0)) } as Detector;
    const scores = await degraded(inner, 1).score({});
    expect([...scores].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...scores]).not.toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('passes on a healthy detector and fails when it is deliberately degraded (end to end)', () => {
    const args = ['quality', '--experiment', fixture('quality/demo-quality.json'), '--baseline', fixture('quality/demo-baseline.json')];
    const ok = cli(...args);
    expect(ok.stdout).toMatch(/quality gate: passed \(2\/2 checks\)/);
    expect(ok.code).toBe(0);
    const bad = cli(...args, '--degrade', 'demo-zscore');
    expect(bad.stdout).toMatch(/FAIL demo-zscore\s+auprc/);
    expect(bad.stdout).toMatch(/quality gate: FAILED/);
    expect(bad.code).toBe(1);
  });
});
