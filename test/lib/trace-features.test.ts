import { describe, expect, it } from 'vitest';
import type { Call, Trace } from '../../src/lib/trace/trace.ts';
import { loadTraces } from '../../src/lib/readers/read-traces.ts';
import { fixture } from '../helpers/files.ts';
import { callKey, entryKey } from '../../src/lib/trace-features/keys.ts';
import { DEFAULT_SEQUENCE, linearise } from '../../src/lib/trace-features/linearise.ts';
import { encodeSequence, nextKeyWindows } from '../../src/lib/trace-features/sequences.ts';
import { GroupMoments, quantile, DEFAULT_SIGMA } from '../../src/lib/decision/three-sigma.ts';
import { BOS, EOS, KeyVocabulary, UNK } from '../../src/lib/trace-features/vocabulary.ts';

const call = (caller: string, callee: string, start: number, end: number, parent?: number, endpoint?: string): Call => {
  const c: Call = { caller, callee, callSent: start, callReceived: start, responseSent: end, responseReceived: end };
  if (parent !== undefined) c.parent = parent;
  if (endpoint !== undefined) c.endpoint = endpoint;
  return c;
};

describe('keys (spec 1.3)', () => {
  it('caller#callee#endpoint by default, callee#endpoint as an option, no endpoint part when unknown', () => {
    expect(callKey(call('a', 'b', 0, 1, 0, 'GET /x'), 'caller-callee-endpoint')).toBe('a#b#GET /x');
    expect(callKey(call('a', 'b', 0, 1, 0, 'GET /x'), 'callee-endpoint')).toBe('b#GET /x');
    expect(callKey(call('a', 'b', 0, 1), 'caller-callee-endpoint')).toBe('a#b');
    expect(entryKey({ id: 't', calls: [call('a', 'b', 1, 2, 1), call('start', 'a', 0, 5, undefined, '/home')] })).toBe('a#/home');
  });

  it('vocabulary: reserved ids first, unknown keys are UNK, round trip through JSON', () => {
    const v = new KeyVocabulary();
    expect([...v.encode(['x', 'y', 'x'], true)]).toEqual([4, 5, 4]);
    expect([...v.encode(['y', 'z'])]).toEqual([5, UNK]);
    const w = KeyVocabulary.fromJSON(JSON.parse(JSON.stringify(v)));
    expect(w.size).toBe(6);
    expect(w.name(5)).toBe('y');
  });
});

describe('linearisation (spec 1.4)', () => {
  it('Fig. 1 in execution order: the call keys of the paper\'s message order', async () => {
    const [t] = await loadTraces(fixture('fig1/messages.csv'), 'messages-csv');
    expect(linearise(t, DEFAULT_SEQUENCE).keys).toEqual(['start#a', 'a#b', 'b#c', 'b#d', 'd#e', 'b#e']);
  });

  const t: Trace = { id: 't', calls: [call('start', 'a', 0, 10), call('a', 'c', 4, 10, 0), call('a', 'b', 1, 4, 0)] };

  it('time order vs canonical order (children sorted by key)', () => {
    expect(linearise(t, DEFAULT_SEQUENCE).keys).toEqual(['start#a', 'a#b', 'a#c']);
    const conc: Trace = { id: 'c', calls: [call('start', 'a', 0, 10), call('a', 'c', 1, 5, 0), call('a', 'b', 2, 6, 0)] };
    expect(linearise(conc, DEFAULT_SEQUENCE).keys).toEqual(['start#a', 'a#c', 'a#b']);
    expect(linearise(conc, { ...DEFAULT_SEQUENCE, order: 'canonical' }).keys).toEqual(['start#a', 'a#b', 'a#c']);
  });

  it('end events: at equal times an end comes before a start, and a child\'s end before its parent\'s', () => {
    const s = linearise(t, { ...DEFAULT_SEQUENCE, emitEndEvents: true });
    expect(s.keys).toEqual(['start#a', 'a#b', 'END(a#b)', 'a#c', 'END(a#c)', 'END(start#a)']);
    expect([...s.time]).toEqual([0, 1, 4, 4, 10, 10]);
    expect([...s.rt]).toEqual([10, 3, 3, 6, 6, 10]);
    const c = linearise(t, { ...DEFAULT_SEQUENCE, order: 'canonical', emitEndEvents: true });
    expect(c.keys).toEqual(['start#a', 'a#b', 'END(a#b)', 'a#c', 'END(a#c)', 'END(start#a)']);
  });

  it('encodes as ids with EOS; DeepLog* windows are left-padded with BOS', () => {
    const v = new KeyVocabulary();
    const { ids } = encodeSequence(t, v, DEFAULT_SEQUENCE, true);
    expect([...ids]).toEqual([4, 5, 6, EOS]);
    const { windows, targets } = nextKeyWindows(Int32Array.of(5, 6, EOS), 2);
    expect([...windows]).toEqual([BOS, BOS, BOS, 5, 5, 6]);
    expect([...targets]).toEqual([5, 6, EOS]);
  });
});

describe('3-sigma helper (spec 1.6)', () => {
  const m = new GroupMoments();
  for (const x of [1, 2, 3, 4, 5]) m.add(0, x);
  for (let i = 0; i < 5; i++) m.add(1, 5);
  for (const x of [1, 2, 3, 4]) m.add(2, x);
  const b = m.bands(DEFAULT_SIGMA);

  it('population std, floored at 1 ms; out of band beyond 3 sigma; groups under nMin = 5 not judged', () => {
    expect(b.mu[0]).toBe(3);
    expect(b.sigma[0]).toBeCloseTo(Math.SQRT2, 12);
    expect(b.outside(b.z(0, 3 + 3 * Math.SQRT2 - 1e-9))).toBe(false);
    expect(b.outside(b.z(0, 3 + 3 * Math.SQRT2 + 1e-9))).toBe(true);
    expect(b.sigma[1]).toBe(1);
    expect(b.outside(b.z(1, 8))).toBe(false);
    expect(b.outside(b.z(1, 8.01))).toBe(true);
    expect(b.z(2, 100)).toBeNaN();
    expect(b.outside(b.z(2, 100))).toBe(false);
  });

  it('one-sided: only slow-downs', () => {
    const one = m.bands({ ...DEFAULT_SIGMA, sided: 'one' });
    expect(one.outside(one.z(1, 1))).toBe(false);
    expect(b.outside(b.z(1, 1))).toBe(true);
    expect(one.upper(1)).toBe(8);
  });

  it('quantile: linear interpolation between order statistics', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([4, 1, 3, 2], 0.005)).toBeCloseTo(1.015, 12);
    // R: quantile(c(3, 6, 7, 8, 8, 9, 10, 13, 15, 16, 20), c(0.25, 0.9)) (type 7) gives 7.5 and 16
    expect(quantile([20, 3, 6, 7, 8, 8, 9, 10, 13, 15, 16], 0.25)).toBe(7.5);
    expect(quantile([20, 3, 6, 7, 8, 8, 9, 10, 13, 15, 16], 0.9)).toBeCloseTo(16, 12);
    // q outside 0..1 is clamped to the extremes; no values have no quantile
    expect(quantile([4, 1, 3, 2], 1.5)).toBe(4);
    expect(quantile([4, 1, 3, 2], -1)).toBe(1);
    expect(quantile([], 0.5)).toBeNaN();
  });
});
