import { describe, expect, it } from 'vitest';
import { loadTraces } from '../../src/lib/readers/read-traces.ts';
import { pairMessages, type Message } from '../../src/lib/readers/messages-csv.ts';
import { inferParents } from '../../src/lib/trace/infer-parents.ts';
import type { Call } from '../../src/lib/trace/trace.ts';
import { TraceIssue } from '../../src/lib/util/errors.ts';
import { tempFile } from '../helpers/files.ts';

describe('messages-csv pairing', () => {
  it('pairs a response with the earlier call when the next call to the same service arrives in the same millisecond', async () => {
    // a calls b twice in a row; the second call reaches b in the millisecond (436) the first response left
    const file = tempFile(
      'm.csv',
      [
        'trace_id,kind,from,to,sent_ms,received_ms',
        't,call,start,a,,420',
        't,call,a,b,424,425',
        't,response,b,a,436,436',
        't,call,a,b,436,436',
        't,response,b,a,448,449',
        't,response,a,start,450,',
      ].join('\n'),
    );
    const [t] = await loadTraces(file, 'messages-csv');
    const ab = t.calls.filter((c) => c.caller === 'a').map((c) => [c.callReceived, c.responseSent]);
    expect(ab).toEqual([
      [425, 436],
      [436, 448],
    ]);
  });

  it('still pairs a zero-millisecond response with the call of that millisecond', async () => {
    const file = tempFile(
      'z.csv',
      ['trace_id,kind,from,to,sent_ms,received_ms', 't,call,start,a,,1', 't,call,a,b,2,2', 't,response,b,a,2,3', 't,response,a,start,5,'].join('\n'),
    );
    const [t] = await loadTraces(file, 'messages-csv');
    expect(t.calls.find((c) => c.caller === 'a')).toMatchObject({ callReceived: 2, responseSent: 2 });
  });
});

/** The definitions, written out naively (quadratic): the references the fast versions must agree with. */
function referenceParents(calls: Call[]): (number | undefined)[] {
  return calls.map((c, j) => {
    if (c.caller === 'start') return undefined;
    const sent = c.callSent ?? c.callReceived;
    let best: number | undefined;
    calls.forEach((p, i) => {
      if (i !== j && p.callee === c.caller && p.callReceived <= sent && sent <= p.responseSent && (best === undefined || p.callReceived > calls[best].callReceived)) best = i;
    });
    return best;
  });
}

function referencePairs(msgs: Message[]): string {
  const open = msgs.filter((m) => m.kind === 'call').map((m) => ({ m, resp: undefined as number | undefined }));
  for (const r of msgs.filter((m) => m.kind === 'response').sort((a, b) => a.sent! - b.sent!)) {
    const same = open.filter((o) => o.resp === undefined && o.m.from === r.to && o.m.to === r.from);
    const before = same.filter((o) => o.m.received! < r.sent!);
    const latest = Math.max(...before.map((o) => o.m.received!));
    const pick = before.find((o) => o.m.received === latest) ?? same.find((o) => o.m.received === r.sent);
    if (pick === undefined) return same.length > 0 ? `negative-duration at ${r.line}` : `unmatched-message at ${r.line}`;
    pick.resp = r.sent;
  }
  const left = open.find((o) => o.resp === undefined);
  if (left) return `unmatched-message at ${left.m.line}`;
  return JSON.stringify(open.map((o) => [o.m.from, o.m.to, o.m.received, o.resp]));
}

describe('messages-csv pairing and parents: the same result as the naive definitions, in O(n log n)', () => {
  let seed = 11;
  const rnd = (k: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % k);

  it('pairs responses and infers parents as the definitions do (random logs with ties and self-calls)', () => {
    for (let rep = 0; rep < 400; rep++) {
      const msgs: Message[] = [];
      const n = 1 + rnd(12);
      let line = 2;
      for (let i = 0; i < n; i++) {
        const from = i === 0 ? 'start' : ['a', 'b'][rnd(2)];
        const to = ['a', 'b', 'c'][rnd(3)];
        const received = rnd(6);
        msgs.push({ kind: 'call', from, to, sent: received - rnd(2), received, line: line++ });
        if (rnd(8) > 0) msgs.push({ kind: 'response', from: to, to: from, sent: received + rnd(4) - (rnd(6) === 0 ? 2 : 0), received: received + 5, line: line++ });
      }
      if (rnd(10) === 0) msgs.push({ kind: 'response', from: 'c', to: 'a', sent: rnd(6), line: line++ });
      const expected = referencePairs(msgs);
      let got: string;
      try {
        const t = pairMessages('t', msgs, 'f.csv');
        got = JSON.stringify(t.calls.map((c) => [c.caller, c.callee, c.callReceived, c.responseSent]));
        expect(t.calls.map((c) => c.parent)).toEqual(referenceParents(t.calls));
      } catch (e) {
        if (!(e instanceof TraceIssue)) throw e;
        got = `${e.kind} at ${e.location.line}`;
      }
      expect(got).toBe(expected);
    }
  });

  /** Wraps objects in proxies that count property reads, throwing past `budget`. */
  function counter(budget: number) {
    let reads = 0;
    const wrap = <T extends object>(o: T): T =>
      new Proxy(o, {
        get(target, key, receiver) {
          if (++reads > budget) throw new Error(`more than ${budget} reads`);
          return Reflect.get(target, key, receiver);
        },
      });
    return { wrap, reads: () => reads };
  }

  // a flat trace: the entrance to a, then a calls b n-1 times one after the other (the 30k-call trace took 17.5 s)
  const n = 20_000;
  const budget = 40 * n * Math.ceil(Math.log2(n));

  it('reads each message a bounded number of times on a 20,000-call flat trace', () => {
    const msgs: Message[] = [{ kind: 'call', from: 'start', to: 'a', received: 0, line: 2 }];
    for (let i = 1; i < n; i++) msgs.push({ kind: 'call', from: 'a', to: 'b', sent: 2 * i, received: 2 * i, line: i + 2 });
    for (let i = 1; i < n; i++) msgs.push({ kind: 'response', from: 'b', to: 'a', sent: 2 * i + 1, received: 2 * i + 1, line: n + i + 1 });
    msgs.push({ kind: 'response', from: 'a', to: 'start', sent: 2 * n, line: 2 * n + 1 });
    const c = counter(budget);
    const t = pairMessages('t', msgs.map(c.wrap), 'f.csv');
    expect(t.calls.slice(1).every((x, i) => x.responseSent === 2 * (i + 1) + 1 && x.parent === 0)).toBe(true);
    expect(c.reads()).toBeLessThanOrEqual(budget);
  });

  it('reads each call a bounded number of times when inferring the parents of a 20,000-call flat trace', () => {
    const calls: Call[] = [{ caller: 'start', callee: 'a', callReceived: 0, responseSent: 2 * n }];
    for (let i = 1; i < n; i++) calls.push({ caller: 'a', callee: 'b', callSent: 2 * i, callReceived: 2 * i, responseSent: 2 * i + 1 });
    const c = counter(budget);
    const wrapped = c.wrap(calls.map(c.wrap));
    inferParents(wrapped);
    expect(calls.slice(1).every((x) => x.parent === 0)).toBe(true);
    expect(c.reads()).toBeLessThanOrEqual(budget);
  });
});
