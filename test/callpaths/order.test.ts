import { describe, expect, it } from 'vitest';
import { callOrder } from '../../src/lib/callpaths/order.ts';
import { CallPathList } from '../../src/lib/callpaths/call-path-list.ts';
import { loadTraces } from '../../src/lib/readers/read-traces.ts';
import type { Call, Trace } from '../../src/lib/trace/trace.ts';
import { fixture } from '../helpers/files.ts';

const call = (caller: string, callee: string, sent: number | undefined, recv: number, resp: number, parent?: number): Call => {
  const c: Call = { caller, callee, callReceived: recv, responseSent: resp };
  if (sent !== undefined) c.callSent = sent;
  if (parent !== undefined) c.parent = parent;
  return c;
};

describe('message order (sec. II-B)', () => {
  it('sorts by send time, ties by callee id, entrance first even when another call has the same time', () => {
    const calls = [
      call('b', 'd', 10, 11, 20),
      call('b', 'c', 10, 12, 13),
      call('a', 'b', 5, 6, 30),
      call('start', 'a', undefined, 5, 40),
      call('a', 'z', 5, 7, 8),
    ];
    expect([...callOrder(calls)]).toEqual([3, 2, 4, 1, 0]);
    // the entrance goes first even when its (span-derived) send time ties with a child's and its id sorts later
    const tie = [call('x', 'b', 100, 100, 101), call('start', 'x', 100, 100, 200)];
    expect([...callOrder(tie)]).toEqual([1, 0]);
  });

  it('does not depend on the order in which a file lists the calls', async () => {
    const [t] = await loadTraces(fixture('fig1/messages.csv'), 'messages-csv');
    const list = CallPathList.fromTraces([t]);
    const ids = list.pathsOf(t).map((p) => p.id);
    for (let rot = 1; rot < t.calls.length; rot++) {
      // rotate and reverse; parents must be re-indexed with the calls
      const perm = t.calls.map((_, i) => (i + rot) % t.calls.length).reverse();
      const inv = new Map(perm.map((old, neu) => [old, neu]));
      const shuffled: Trace = {
        id: t.id,
        calls: perm.map((old) => {
          const c = { ...t.calls[old] };
          if (c.parent !== undefined) c.parent = inv.get(c.parent);
          return c;
        }),
      };
      expect(list.pathsOf(shuffled).map((p) => p.id)).toEqual(ids);
      expect(list.encode(shuffled).row).toEqual(list.encode(t).row);
    }
  });
});

describe('ancestors call paths (ablation)', () => {
  it('gives each call the chain from the entrance to it (Fig. 1)', async () => {
    const traces = await loadTraces(fixture('fig1/messages.csv'), 'messages-csv');
    const list = CallPathList.fromTraces(traces, { definition: 'ancestors' });
    const { row } = list.encode(traces[0]);
    expect(Object.fromEntries(list.dimensionIds.map((id, j) => [id, row[j]]))).toEqual({
      'a(start->a)': 222,
      'b(start->a,a->b)': 209,
      'c(start->a,a->b,b->c)': 4,
      'd(start->a,a->b,b->d)': 44,
      'e(start->a,a->b,b->d,d->e)': 28,
      'e(start->a,a->b,b->e)': 67,
    });
  });

  it('averages the response times of a path that occurs twice (a loop)', () => {
    const t: Trace = {
      id: 't',
      calls: [call('start', 'a', undefined, 0, 100), call('a', 'b', 1, 2, 12, 0), call('a', 'b', 20, 21, 51, 0)],
    };
    const anc = CallPathList.fromTraces([t], { definition: 'ancestors' });
    expect(anc.width).toBe(2);
    expect([...anc.encode(t).row]).toEqual([100, 20]);
    const pre = CallPathList.fromTraces([t]);
    expect(pre.dimensionIds).toEqual(['a(start->a)', 'b(start->a,a->b)', 'b(start->a,a->b,a->b)']);
    expect([...pre.encode(t).row]).toEqual([100, 10, 30]);
  });
});

describe('call path list', () => {
  const base: Trace = { id: 'n', calls: [call('start', 'a', undefined, 0, 50), call('a', 'b', 1, 2, 10, 0), call('a', 'c', 11, 12, 20, 0)] };

  it('reports unseen paths: a new call and every later prefix path', () => {
    const list = CallPathList.fromTraces([base]);
    const t: Trace = { id: 'x', calls: [call('start', 'a', undefined, 0, 50), call('a', 'x', 1, 2, 5, 0), call('a', 'b', 6, 7, 10, 0)] };
    const { row, unseen } = list.encode(t);
    expect(unseen).toBe(2);
    expect([...row]).toEqual([50, -1, -1]);
    expect(list.pathsOf(t).filter((p) => !p.known).map((p) => p.id)).toEqual(['x(start->a,a->x)', 'b(start->a,a->x,a->b)']);
  });

  it('survives a JSON round trip and sorts dimensions by their steps', () => {
    const other: Trace = { id: 'm', calls: [call('start', 'a', undefined, 0, 50), call('a', 'a2', 1, 2, 10, 0)] };
    const list = CallPathList.fromTraces([base, other]);
    expect(list.dimensionIds).toEqual(['a(start->a)', 'a2(start->a,a->a2)', 'b(start->a,a->b)', 'c(start->a,a->b,a->c)']);
    const back = CallPathList.fromJSON(JSON.parse(JSON.stringify(list.toJSON())));
    expect(back.dimensionIds).toEqual(list.dimensionIds);
    expect(back.encode(base).row).toEqual(list.encode(base).row);
    expect(back.encode(other).row).toEqual(list.encode(other).row);
  });

  it('can label steps with endpoints', () => {
    const t: Trace = { id: 'e', calls: [{ ...call('start', 'a', undefined, 0, 9), endpoint: 'GET /x' }] };
    expect(CallPathList.fromTraces([t], { edgeLabel: 'endpoint' }).dimensionIds).toEqual(['a(start->a:GET /x)']);
  });
});

describe('message order ties within one millisecond', () => {
  it('puts the call answered first first, whatever the file order', () => {
    // a synchronous caller calls s twice within one millisecond: the same send, receive, callee and endpoint
    const first = call('a', 's', 100, 100, 100);
    const second = call('a', 's', 100, 100, 103);
    const entrance = call('start', 'a', undefined, 99, 110);
    const t1: Trace = { id: 't', calls: [entrance, first, second] };
    const t2: Trace = { id: 't', calls: [entrance, second, first] };
    const list = CallPathList.fromTraces([t1]);
    expect([...list.encode(t1).row]).toEqual([11, 0, 3]);
    expect([...list.encode(t2).row]).toEqual([11, 0, 3]);
  });
});

/** Wraps calls in a proxy that counts element reads and throws past `budget` (so a quadratic sort fails fast). */
function counted(calls: Call[], budget: number): { calls: Call[]; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(calls, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key) && ++reads > budget) throw new Error(`more than ${budget} element reads`);
      return Reflect.get(target, key, receiver);
    },
  });
  return { calls: proxy, reads: () => reads };
}

describe('message order: cost', () => {
  // a flat trace of n calls: the entrance, then n-1 calls of a, one per millisecond
  const flat = (n: number): Call[] => [call('start', 'a', undefined, 0, n + 10), ...Array.from({ length: n - 1 }, (_, i) => call('a', 'b', i + 1, i + 1, i + 2, 0))];

  it.each(['time order', 'reverse time order', 'shuffled'])('reads O(n log n) calls for a 20,000-call trace in %s', (how) => {
    const n = 20_000;
    let calls = flat(n);
    if (how !== 'time order') {
      const perm = calls.map((_, i) => i).reverse();
      if (how === 'shuffled') for (let i = n - 1; i > 0; i--) { const j = (i * 7919) % (i + 1); [perm[i], perm[j]] = [perm[j], perm[i]]; }
      calls = perm.map((i) => calls[i]);
    }
    const budget = 4 * n * Math.ceil(Math.log2(n));
    const c = counted(calls, budget);
    const order = callOrder(c.calls);
    expect(Array.from(order, (i) => calls[i].callReceived)).toEqual(Array.from({ length: n }, (_, k) => k));
    expect(c.reads()).toBeLessThanOrEqual(budget);
  });

  it('gives the order of an independent key sort, ties included', () => {
    // reference: sort by (entrance first, send time, callee, caller, receive, endpoint, response sent, response received, index)
    let seed = 7;
    const rnd = (k: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % k);
    for (let rep = 0; rep < 200; rep++) {
      const n = 2 + rnd(30);
      const calls: Call[] = Array.from({ length: n }, (_, i) => {
        const recv = rnd(4);
        const c = call(i === 0 || rnd(10) === 0 ? 'start' : ['a', 'b'][rnd(2)], ['b', 'c', 'd'][rnd(3)], rnd(3) === 0 ? undefined : recv - rnd(2), recv, recv + rnd(3));
        if (rnd(2) === 0) c.endpoint = ['x', 'y'][rnd(2)];
        if (rnd(2) === 0) c.responseReceived = c.responseSent + rnd(2);
        return c;
      });
      const key = (c: Call, i: number) => [c.caller === 'start' ? 0 : 1, c.callSent ?? c.callReceived, c.callee, c.caller, c.callReceived, c.endpoint ?? '', c.responseSent, c.responseReceived ?? c.responseSent, i] as const;
      const cmp = (x: readonly (string | number)[], y: readonly (string | number)[]) => {
        for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return x[k] < y[k] ? -1 : 1;
        return 0;
      };
      const reference = calls.map((c, i) => ({ i, k: key(c, i) })).sort((x, y) => cmp(x.k, y.k)).map((x) => x.i);
      expect([...callOrder(calls)]).toEqual(reference);
    }
  });
});

describe('call path list order', () => {
  it('numbers the dimensions in the order of their steps, as a sort of whole paths does (random traces)', () => {
    let seed = 3;
    const rnd = (k: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % k);
    const traces: Trace[] = Array.from({ length: 40 }, (_, t) => {
      const n = 1 + rnd(12);
      const calls: Call[] = [call('start', 'a', undefined, 0, 1000)];
      for (let i = 1; i < n; i++) {
        const parent = rnd(i);
        calls.push(call(calls[parent].callee, ['a', 'b', 'c', 'a-b', 'B'][rnd(5)], 10 * i, 10 * i + 1, 10 * i + 5, parent));
      }
      return { id: `t${t}`, calls };
    });
    for (const definition of ['prefix', 'ancestors'] as const) {
      const list = CallPathList.fromTraces(traces, { definition });
      const paths = list.dimensions.map((d) => d.path);
      const sorted = [...paths].sort((x, y) => {
        for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
        return x.length - y.length;
      });
      expect(paths).toEqual(sorted);
      expect(new Set(list.dimensionIds).size).toBe(list.width);
      expect(list.width).toBeGreaterThan(20);
    }
  });
});
