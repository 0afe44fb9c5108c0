import { describe, expect, it } from 'vitest';
import { unseenDimensions } from '../../src/lib/decision/unseen.ts';
import { alignToTraining } from '../../src/lib/stv/align.ts';
import type { StvMatrix } from '../../src/lib/stv/matrix.ts';
import { Whitelist } from '../../src/lib/stv/whitelist.ts';

describe('unseen rule on STVs', () => {
  it('flags a valid value in a dimension never valid in training, by index when the data names no dimensions', () => {
    const m: StvMatrix = { ids: ['t1', 't2'], width: 3, values: Float32Array.from([5, -1, -1, 5, -1, 7]) };
    expect(unseenDimensions(m, { seen: Uint8Array.from([1, 1, 0]) })).toEqual([[], ['dim:2']]);
  });

  it('aligns named dimensions to training, appends new ones, and lets the whitelist cover them', () => {
    const test: StvMatrix = { ids: ['t'], width: 3, values: Float32Array.from([4, 9, 2]), dimensionIds: ['c(start->a,a->c)', 'a(start->a)', 'b(start->a,a->b)'] };
    const aligned = alignToTraining(test, 2, ['a(start->a)', 'b(start->a,a->b)']);
    expect(aligned.dimensionIds).toEqual(['a(start->a)', 'b(start->a,a->b)', 'c(start->a,a->c)']);
    expect(Array.from(aligned.values)).toEqual([9, 2, 4]);
    const seen = Uint8Array.from([1, 1, 0]);
    expect(unseenDimensions(aligned, { seen, dimensionIds: aligned.dimensionIds! })).toEqual([['c(start->a,a->c)']]);
    const whitelist = new Whitelist([], ['c(start->a,a->c)']);
    expect(unseenDimensions(aligned, { seen, dimensionIds: aligned.dimensionIds!, whitelist })).toEqual([[]]);
  });
});
