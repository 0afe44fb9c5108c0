import { describe, expect, it } from 'vitest';
import { confusion, precisionRecall } from '../../src/lib/metrics/confusion.ts';
import { averagePrecision, bestF1, prCurve, recallAtFpr, recallAtPrecision, thinCurve } from '../../src/lib/metrics/pr-curve.ts';
import { perTypeMetrics } from '../../src/lib/metrics/per-type.ts';
import { hitAtK, precisionAtK } from '../../src/lib/metrics/precision-at-k.ts';
import { meanStd } from '../../src/lib/metrics/aggregate.ts';
import { evaluateDetection } from '../../src/lib/metrics/detection.ts';

// Every expected value below was worked out by hand; the working is in the comments.

describe('precision, recall, F1', () => {
  it('counts a verdict against the truth', () => {
    // truth  1 0 1 1 0 0
    // flag   1 0 1 0 0 1  -> tp 2 (rows 0, 2), fp 1 (row 5), fn 1 (row 3), tn 2
    const c = confusion([1, 0, 1, 1, 0, 0], [1, 0, 1, 0, 0, 1]);
    expect(c).toEqual({ tp: 2, fp: 1, fn: 1, tn: 2 });
    const m = precisionRecall(c);
    expect(m.precision).toBeCloseTo(2 / 3, 12);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.f1).toBeCloseTo(2 / 3, 12);
  });

  it('states its conventions: precision 0 when nothing is flagged, recall NaN when nothing is to be found', () => {
    expect(precisionRecall({ tp: 0, fp: 0, fn: 3 })).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(precisionRecall({ tp: 0, fp: 2, fn: 0 }).recall).toBeNaN();
  });
});

describe('PR curve, AUPRC (average precision) and best F1', () => {
  it('matches a worked example without ties', () => {
    // scores .9 .8 .7 .6 .5 .4, truth 1 0 1 1 0 0 (3 anomalies)
    // >=.9: tp1 fp0 P 1   R 1/3 | >=.8: P 1/2 R 1/3 | >=.7: P 2/3 R 2/3 | >=.6: P 3/4 R 1 | >=.5: P 3/5 R 1 | >=.4: P 1/2 R 1
    const curve = prCurve([1, 0, 1, 1, 0, 0], [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]);
    expect(curve.map((p) => [p.threshold, p.tp, p.fp])).toEqual([[0.9, 1, 0], [0.8, 1, 1], [0.7, 2, 1], [0.6, 3, 1], [0.5, 3, 2], [0.4, 3, 3]]);
    // AP = 1/3 * 1 + 0 + 1/3 * 2/3 + 1/3 * 3/4 = 29/36
    expect(averagePrecision(curve)).toBeCloseTo(29 / 36, 12);
    // F1 per point: 1/2, 2/5, 2/3, 6/7, 3/4, 2/3 -> best 6/7 at .6
    const best = bestF1(curve);
    expect(best.f1).toBeCloseTo(6 / 7, 12);
    expect(best).toMatchObject({ threshold: 0.6, precision: 0.75, recall: 1, oracle: true });
  });

  it('gives recall at a false-positive rate from the thresholds that flag few enough normal rows', () => {
    // scores .9 .8 .7 .6 .5 .4, truth 1 0 1 1 0 0: 3 normal rows. Points (fp, R): (0, 1/3) (1, 1/3) (1, 2/3) (1, 1) (2, 1) (3, 1)
    const curve = prCurve([1, 0, 1, 1, 0, 0], [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]);
    expect(recallAtFpr(curve, 3, 0)).toBeCloseTo(1 / 3, 12);
    // 1/3 of the normal rows may be flagged: one false positive, so every point up to .6 qualifies
    expect(recallAtFpr(curve, 3, 1 / 3)).toBe(1);
    expect(recallAtFpr(curve, 3, 0.3)).toBeCloseTo(1 / 3, 12);
    // the top-scored row is normal: no threshold has fpr 0 -> recall 0
    expect(recallAtFpr(prCurve([0, 1], [2, 1]), 1, 0)).toBe(0);
    expect(recallAtFpr(curve, 0, 0.01)).toBeNaN();
  });

  it('gives recall at a precision from the most complete threshold that is precise enough', () => {
    // same curve: (P, R) = (1, 1/3) (1/2, 1/3) (2/3, 2/3) (3/4, 1) (3/5, 1) (1/2, 1)
    const curve = prCurve([1, 0, 1, 1, 0, 0], [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]);
    expect(recallAtPrecision(curve, 0.97)).toBeCloseTo(1 / 3, 12);
    expect(recallAtPrecision(curve, 0.75)).toBe(1);
    expect(recallAtPrecision(curve, 0.7)).toBe(1);
    expect(recallAtPrecision(curve, 2 / 3)).toBe(1);
    // a normal row on top and no later point reaches P 0.97
    expect(recallAtPrecision(prCurve([0, 1, 1], [3, 2, 1]), 0.97)).toBe(0);
    expect(recallAtPrecision(prCurve([0, 0], [2, 1]), 0.5)).toBeNaN();
  });

  it('flags tied scores together, so the row order inside a tie does not matter', () => {
    // scores 3 2 2 2 1, truth 0 1 0 1 1
    // >=3: tp0 fp1 P 0 R 0 | >=2: tp2 fp2 P 1/2 R 2/3 | >=1: tp3 fp2 P 3/5 R 1
    // AP = 0 + 2/3 * 1/2 + 1/3 * 3/5 = 8/15; F1: 0, 4/7, 3/4
    const truth = [0, 1, 0, 1, 1];
    const scores = [3, 2, 2, 2, 1];
    const curve = prCurve(truth, scores);
    expect(curve).toHaveLength(3);
    expect(averagePrecision(curve)).toBeCloseTo(8 / 15, 12);
    expect(bestF1(curve).f1).toBeCloseTo(3 / 4, 12);
    expect(bestF1(curve).threshold).toBe(1);
    // the same rows in another order give the same curve
    const perm = [4, 2, 0, 3, 1];
    expect(averagePrecision(prCurve(perm.map((i) => truth[i]), perm.map((i) => scores[i])))).toBeCloseTo(8 / 15, 12);
  });

  it('gives the base rate when all scores are equal', () => {
    // one point: everything flagged, P = 2/4, R = 1 -> AP = 1/2, F1 = 2/3
    const curve = prCurve([1, 0, 0, 1], [5, 5, 5, 5]);
    expect(curve).toHaveLength(1);
    expect(averagePrecision(curve)).toBe(0.5);
    expect(bestF1(curve).f1).toBeCloseTo(2 / 3, 12);
  });

  it('takes infinite scores (rejected traces) as the highest; NaN scores are an error', () => {
    // Inf Inf 1 0, truth 1 1 0 1: >=Inf P 1 R 2/3 | >=1 P 2/3 R 2/3 | >=0 P 3/4 R 1 -> AP = 2/3 + 1/3 * 3/4 = 11/12
    expect(averagePrecision(prCurve([1, 1, 0, 1], [Infinity, Infinity, 1, 0]))).toBeCloseTo(11 / 12, 12);
    expect(() => prCurve([1, 0], [1, NaN])).toThrow(/row 1 is NaN/);
  });

  it('is undefined (NaN) without anomalies, and best F1 is 0 at +Infinity when nothing is found', () => {
    expect(averagePrecision(prCurve([0, 0], [1, 2]))).toBeNaN();
    expect(bestF1(prCurve([1, 0], [0, 1]).slice(0, 1))).toMatchObject({ f1: 0, threshold: Infinity });
  });

  it('thins a long curve for plotting, keeping both ends', () => {
    const curve = prCurve(Array.from({ length: 1000 }, (_, i) => i % 2), Array.from({ length: 1000 }, (_, i) => i));
    const thin = thinCurve(curve, 10);
    expect(thin).toHaveLength(10);
    expect(thin[0]).toBe(curve[0]);
    expect(thin[9]).toBe(curve[999]);
  });
});

describe('per anomaly type', () => {
  // rows:   0   1   2   3     4     5     6     7
  // type    rt  rt  rt  path  path  -     -     -
  // flag    1   1   0   1     0     1     0     0
  // named   rt  path rt path  -     rt    -     -
  const trueTypes = ['rt', 'rt', 'rt', 'path', 'path', null, null, null];
  const flagged = [1, 1, 0, 1, 0, 1, 0, 0];
  const namedTypes = ['rt', 'path', 'rt', 'path', null, 'rt', null, null];

  it('recall per true type counts any flag; precision per named type counts only the right type', () => {
    // recall rt = rows 0, 1 of 0..2 = 2/3; path = row 3 of 3, 4 = 1/2
    // named rt and flagged: rows 0, 5 -> right: 0 -> 1/2; named path and flagged: rows 1, 3 -> right: 3 -> 1/2 (row 2 is not flagged)
    expect(perTypeMetrics({ trueTypes, flagged, namedTypes })).toEqual({
      path: { count: 2, recall: 0.5, precision: 0.5 },
      rt: { count: 3, recall: 2 / 3, precision: 0.5 },
    });
  });

  it('has no per-type precision for a method that names no types, and N/A for a type it cannot detect', () => {
    expect(perTypeMetrics({ trueTypes, flagged })).toEqual({
      path: { count: 2, recall: 0.5, precision: null },
      rt: { count: 3, recall: 2 / 3, precision: null },
    });
    expect(perTypeMetrics({ trueTypes, flagged, namedTypes, detects: ['rt'] }).path).toEqual({ count: 2, recall: null, precision: null });
  });

  it('feeds one evaluation of a detection cell', () => {
    const e = evaluateDetection({ truth: trueTypes.map((t) => (t ? 1 : 0)), trueTypes, scores: [8, 7, 1, 6, 2, 5, 3, 0], flagged });
    // tp 3 (0, 1, 3), fp 1 (5), fn 2 (2, 4)
    expect(e.metrics).toMatchObject({ tp: 3, fp: 1, fn: 2, tn: 2, precision: 0.75, recall: 0.6 });
    expect(e.metrics.f1).toBeCloseTo(2 / 3, 12);
    // ranking 8 7 6 5 3 2 1 0 -> truth 1 1 1 0 0 1 1 0: AP = 1/5 * (1 + 1 + 1) + 1/5 * 4/6 + 1/5 * 5/7
    expect(e.metrics.auprc).toBeCloseTo((3 + 4 / 6 + 5 / 7) / 5, 12);
    // 1 false positive of 3 normal rows; no threshold flags an anomaly before the first normal row (5) at fpr <= 1%
    expect(e.metrics.fpr).toBeCloseTo(1 / 3, 12);
    expect(e.metrics.recallAtFpr).toEqual({ '0.001': 0.6, '0.0033': 0.6, '0.01': 0.6 });
    // precision 1 down to recall 3/5 (the first normal row comes after three anomalies): 0.6 at both levels
    expect(e.metrics.recallAtPrecision).toEqual({ '0.97': 0.6, '0.98': 0.6 });
    expect(e.perType.rt.precision).toBeNull();
  });
});

describe('Precision@K for root-cause rankings', () => {
  const c = (service: string, score: number, callPath?: string) => ({ service, score, ...(callPath ? { callPath } : {}) });

  it('counts the chance that the top K hold the root cause, ties broken at random', () => {
    // a .9, then b and c tied at .5, root c: K=1 -> 0; K=2 -> one slot in a tie of two -> 1/2; K=3 -> 1
    const a = [c('a', 0.9), c('b', 0.5), c('c', 0.5), c('d', 0.1)];
    expect([1, 2, 3].map((k) => hitAtK(a, 'c', k))).toEqual([0, 0.5, 1]);
    // three tied, root y: 1/3, 2/3, 1
    const b = [c('x', 1), c('y', 1), c('z', 1)];
    expect(hitAtK(b, 'y', 1)).toBeCloseTo(1 / 3, 12);
    expect(hitAtK(b, 'y', 2)).toBeCloseTo(2 / 3, 12);
    expect(hitAtK(b, 'y', 3)).toBe(1);
    // two matches (same service, two paths) tied with two others after one better candidate:
    // K=2 -> first slot of the tie is a match with 2/4; K=3 -> 1 - (2/4)(1/3) = 5/6
    const m = [c('p', 2), c('svc', 1, 'svc(x)'), c('svc', 1, 'svc(y)'), c('s', 1), c('t', 1)];
    expect(hitAtK(m, 'svc', 2)).toBeCloseTo(1 / 2, 12);
    expect(hitAtK(m, 'svc', 3)).toBeCloseTo(5 / 6, 12);
  });

  it('matches a root cause given as a dimension id at the service level: its service, on any call path', () => {
    expect(hitAtK([c('e', 1)], 'e(start->a,a->e)', 1)).toBe(1);
    expect(hitAtK([c('e', 1, 'e(start->a,a->b,b->e)')], 'e(start->a,a->e)', 1)).toBe(1);
    expect(hitAtK([c('b', 1, 'b(start->a,a->b)')], 'e(start->a,a->e)', 1)).toBe(0);
  });

  it('averages over cases; a method that returns one candidate has no P@2, P@3', () => {
    const rankings = [[c('a', 0.9), c('b', 0.5), c('c', 0.5), c('d', 0.1)], [c('x', 1), c('y', 1), c('z', 1)], [c('q', 1)]];
    // P@1 = (0 + 1/3 + 0)/3, P@2 = (1/2 + 2/3 + 0)/3, P@3 = (1 + 1 + 0)/3
    const p = precisionAtK(rankings, ['c', 'y', 'missing']);
    expect(p.cases).toBe(3);
    expect(p.at[1]).toBeCloseTo(1 / 9, 12);
    expect(p.at[2]).toBeCloseTo(7 / 18, 12);
    expect(p.at[3]).toBeCloseTo(2 / 3, 12);
    expect(precisionAtK([[c('a', 1)], [c('b', 1)]], ['a', 'c'], [1, 2])).toEqual({ cases: 2, at: { 1: 0.5, 2: null } });
  });
});

describe('mean and std over seeds', () => {
  it('uses the sample standard deviation and skips missing values', () => {
    // .9 .8 1.0: mean .9, squares .01 .01 0 -> std sqrt(.02 / 2) = .1
    const s = meanStd([0.9, 0.8, 1.0]);
    expect(s.mean).toBeCloseTo(0.9, 12);
    expect(s.std).toBeCloseTo(0.1, 12);
    expect(meanStd([null, 2, 4])).toEqual({ mean: 3, std: Math.SQRT2, n: 2 });
    expect(meanStd([1]).std).toBeNaN();
    expect(meanStd([]).n).toBe(0);
  });
});
