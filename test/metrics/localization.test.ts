import { describe, expect, it } from 'vitest';
import { byService, evaluateLocalization, localizationValues } from '../../src/lib/metrics/localization.ts';
import { matchesDimension, matchesService, parseRootCause } from '../../src/lib/metrics/root-cause.ts';

const c = (service: string, score: number, callPath?: string) => ({ service, score, ...(callPath ? { callPath } : {}) });

describe('root-cause labels', () => {
  it('parses services, dimension ids and external services joined by ;', () => {
    expect(parseRootCause('ts-order-service')).toEqual({ services: ['ts-order-service'], dimensions: [], external: [] });
    expect(parseRootCause('external:sms;e(start->a,a->e);e(start->a,a->b,b->e)')).toEqual({
      services: ['e', 'e'],
      dimensions: ['e(start->a,a->e)', 'e(start->a,a->b,b->e)'],
      external: ['sms'],
    });
  });

  it('matches by service (any path of it, or the external service) and by dimension (the exact call path)', () => {
    const t = parseRootCause('external:sms;e(start->a,a->e)');
    expect(matchesService(c('e', 1, 'e(start->a,a->b,b->e)'), t)).toBe(true);
    expect(matchesService(c('sms', 1), t)).toBe(true);
    expect(matchesService(c('external:sms', 1), t)).toBe(true);
    expect(matchesService(c('a', 1, 'a(start->a)'), t)).toBe(false);
    expect(matchesDimension(c('e', 1, 'e(start->a,a->b,b->e)'), t)).toBe(false);
    expect(matchesDimension(c('e', 1, 'e(start->a,a->e)'), t)).toBe(true);
    expect(matchesDimension(c('e', 1), t)).toBe(false);
  });
});

describe('localisation evaluation (Tables IV and V)', () => {
  it('collapses a ranking to its services, each at its best score', () => {
    expect(byService([c('e', 5, 'e(x)'), c('b', 3), c('e', 4, 'e(y)'), c('a', 1)]).map((x) => [x.service, x.score])).toEqual([['e', 5], ['b', 3], ['a', 1]]);
  });

  it('P@K by service and by dimension; internal / external counts with top-1 successes', () => {
    const rankings = [
      // rt fault at e via a->b->e: right service, wrong path first, right path second
      [c('e', 6, 'e(start->a,a->b,b->d,d->e)'), c('e', 5, 'e(start->a,a->b,b->e)'), c('b', 2, 'b(start->a,a->b)')],
      // path fault at c: c second
      [c('d', 3, 'd(start->a,a->d)'), c('c', 2, 'c(start->a,a->c)')],
      // external fault behind f, whose dimension the label names: f first
      [c('f', 9, 'f(start->a,a->f)'), c('a', 1, 'a(start->a)')],
    ];
    const truth = ['e(start->a,a->b,b->e)', 'c', 'external:sms;f(start->a,a->f)'];
    const e = evaluateLocalization(rankings, truth);
    // services: case 1 hit at 1; case 2 at 2; case 3 at 1
    expect(e.service).toEqual({ cases: 3, at: { 1: 2 / 3, 2: 1, 3: 1 } });
    // dimensions: only cases 1 and 3 name dimensions: case 1 at 2, case 3 at 1
    expect(e.dimension).toEqual({ cases: 2, at: { 1: 0.5, 2: 1, 3: 1 } });
    expect(e.internal).toEqual({ cases: 2, localized: 1 });
    expect(e.external).toEqual({ cases: 1, localized: 1 });
    expect(localizationValues(e)).toEqual({
      'internal.cases': 2, 'internal.localized': 1, 'external.cases': 1, 'external.localized': 1,
      'dimension.cases': 2, 'dimension.p@1': 0.5, 'dimension.p@2': 1, 'dimension.p@3': 1,
    });
  });

  it('has no dimension-level numbers for methods that rank services only', () => {
    const e = evaluateLocalization([[c('e', 1), c('b', 0)]], ['e(start->a,a->e)']);
    expect(e.service.at[1]).toBe(1);
    expect(e.dimension).toBeNull();
  });
});
