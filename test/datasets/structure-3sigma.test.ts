import { describe, expect, it } from 'vitest';
import { CallPathList } from '../../src/callpaths/call-path-list.ts';
import type { Call, Trace } from '../../src/trace/trace.ts';
import { StructureThreeSigma } from '../../datasets/sanity/structure-3sigma.ts';

const call = (caller: string, callee: string, recv: number, resp: number, parent?: number): Call => ({ caller, callee, callSent: recv, callReceived: recv, responseSent: resp, parent });
/** a -> b, with b taking `rt` ms; with `c`, a also calls c. */
const trace = (id: string, rt: number, c = false): Trace => ({
  id,
  calls: [call('start', 'a', 0, 500), call('a', 'b', 1, 1 + rt, 0), ...(c ? [call('a', 'c', 300, 301, 0)] : [])],
});

describe('structure-aware 3-sigma sanity check', () => {
  // b: 10, 12, 14, 16, 18 ms -> mean 14, population std sqrt(8) = 2.83, band (5.5, 22.5)
  const train = [10, 12, 14, 16, 18].map((rt, i) => trace(`n${i}`, rt));
  const check = new StructureThreeSigma(CallPathList.fromTraces([...train, trace('x', 10, true)])).fit(train);

  it('flags a value outside mean +- 3 std of its structure group, not one inside', () => {
    expect(check.flags(trace('in', 22))).toBe(false);
    expect(check.flags(trace('out', 23))).toBe(true);
    expect(check.flags(trace('low', 5))).toBe(true);
  });

  it('flags a structure no training trace has, and unseen call paths', () => {
    expect(check.flags(trace('other', 14, true))).toBe(true);
    expect(check.flags({ id: 'new', calls: [call('start', 'a', 0, 500), call('a', 'z', 1, 3, 0)] })).toBe(true);
  });
});
