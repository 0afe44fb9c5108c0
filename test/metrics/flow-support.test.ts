import { describe, expect, it } from 'vitest';
import { averagePrecisionBound, flowSupport, supportBreakdown, supportClass } from '../../src/lib/metrics/flow-support.ts';
import { averagePrecision, prCurve } from '../../src/lib/metrics/pr-curve.ts';
import type { StvMatrix } from '../../src/lib/stv/matrix.ts';

const A = -1; // absent
const stv = (rows: number[][], dimensionIds?: string[]): StvMatrix => ({
  ids: rows.map((_, i) => `t${i}`),
  width: rows[0].length,
  values: Float32Array.from(rows.flat()),
  ...(dimensionIds ? { dimensionIds } : {}),
});

describe('flow support', () => {
  // training sets of valid dimensions: {0} x3, {0,1} x1, {1,2} x2
  const train = stv([
    [5, A, A],
    [7, A, A],
    [6, A, A],
    [5, 9, A],
    [A, 3, 4],
    [A, 2, 8],
  ]);

  it('counts the training traces with exactly the test trace\'s set of valid dimensions', () => {
    const test = stv([
      [100, A, A], // {0}: 3 (values do not matter)
      [1, 1, A], // {0,1}: 1
      [A, 1, 1], // {1,2}: 2
      [A, 1, A], // {1}: a subset of training sets, never a set of its own: 0
      [1, 1, 1], // {0,1,2}: a superset: 0
    ]);
    expect(Array.from(flowSupport(train, test))).toEqual([3, 1, 2, 0, 0]);
  });

  it('matches dimensions by id when both sides name them, and a valid value in a dimension training lacks gives 0', () => {
    const named = stv([[5, A], [6, A], [A, 1]], ['a', 'b']);
    const test = stv(
      [
        [A, A, 5], // {a}: 2
        [1, A, A], // {b}: 1
        [1, 1, A], // {b} and a dimension training never had: 0
      ],
      ['b', 'c', 'a'],
    );
    expect(Array.from(flowSupport(named, test))).toEqual([2, 1, 0]);
    expect(() => flowSupport(train, stv([[1, 2]]))).toThrow(/test STVs.*has 2 dimensions but the model was trained on 3/);
  });

  it('classes support as 0, 1-5, 6-20, 21-100, >100', () => {
    expect([0, 1, 5, 6, 20, 21, 100, 101].map(supportClass)).toEqual(['0', '1-5', '1-5', '6-20', '6-20', '21-100', '21-100', '>100']);
  });
});

describe('support breakdown', () => {
  it('counts the normals that outrank anomalies and the false positives by class (worked by hand)', () => {
    // rows:      0      1    2    3    4    5    6
    const truth = [0, 1, 0, 1, 0, 0, 0];
    const scores = [Infinity, 50, 40, 30, 20, 10, 60];
    const support = [0, 3, 4, 200, 200, 30, 12];
    const flagged = [1, 1, 1, 0, 0, 0, 1];
    // P = 2: the two highest scores are rows 0 (Infinity, normal, class 0) and 6 (60, normal, class 6-20)
    const b = supportBreakdown({ support, truth, scores, flagged });
    expect(b.normals).toEqual({ '0': 1, '1-5': 1, '6-20': 1, '21-100': 1, '>100': 1 });
    expect(b.normalsInTop).toEqual({ '0': 1, '1-5': 0, '6-20': 1, '21-100': 0, '>100': 0 });
    expect(b.falsePositives).toEqual({ '0': 1, '1-5': 1, '6-20': 1, '21-100': 0, '>100': 0 });
    expect(b.unseenNormals).toBe(1);
    // one negative on top of 2 positives: (1/2 + 2/3) / 2
    expect(b.auprcBound).toBeCloseTo(7 / 12, 12);
  });

  it('the bound is the average precision of the best ranking behind those negatives', () => {
    for (const [p, u] of [[500, 4], [7, 3], [1, 0], [20, 1]]) {
      const truth = [...Array(u).fill(0), ...Array(p).fill(1), 0, 0];
      const scores = truth.map((_, i) => (i < u ? Infinity : truth.length - i));
      expect(averagePrecisionBound(p, u)).toBeCloseTo(averagePrecision(prCurve(truth, scores)), 12);
    }
    expect(averagePrecisionBound(500, 4)).toBeCloseTo(0.9623, 4);
    expect(averagePrecisionBound(3, 0)).toBe(1);
  });
});
