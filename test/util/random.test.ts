import { describe, expect, it } from 'vitest';
import { Random } from '../../src/lib/util/random.ts';

describe('Random', () => {
  it('gives the same stream for the same seed and different streams for different seeds', () => {
    const a = Array.from({ length: 5 }, ((r) => () => r.next())(new Random(7)));
    const b = Array.from({ length: 5 }, ((r) => () => r.next())(new Random(7)));
    const c = Array.from({ length: 5 }, ((r) => () => r.next())(new Random(8)));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('draws standard normals (mean 0, variance 1 within sampling error)', () => {
    const r = new Random(1);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = r.normal();
      s += x;
      s2 += x * x;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
  });

  it('shuffles into a permutation', () => {
    const p = [...new Random(3).permutation(100)].sort((x, y) => x - y);
    expect(p).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
