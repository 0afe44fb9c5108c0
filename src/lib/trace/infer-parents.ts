import type { Call } from './trace.ts';
import { ENTRANCE } from './trace.ts';

/**
 * For message logs, which do not say which call a call was made from: the parent of a call from m is the
 * call to m that was being served when the call was sent (received before, response sent after), the
 * innermost one when several are (the one received last; of those, the first listed). Calls whose parent
 * cannot be found keep `parent` undefined.
 *
 * O(n log n): per service m, a sweep over the send times of m's calls in increasing order, with the calls to m
 * received so far in a heap, latest first; one whose response left before the current send time is dropped for
 * good (later send times are later still).
 */
export function inferParents(calls: Call[]): void {
  const toService = new Map<string, number[]>();
  const fromService = new Map<string, number[]>();
  for (let j = 0; j < calls.length; j++) {
    const c = calls[j];
    let to = toService.get(c.callee);
    if (to === undefined) toService.set(c.callee, (to = []));
    to.push(j);
    if (c.caller === ENTRANCE || c.parent !== undefined) continue;
    let from = fromService.get(c.caller);
    if (from === undefined) fromService.set(c.caller, (from = []));
    from.push(j);
  }
  const sent = (j: number) => calls[j].callSent ?? calls[j].callReceived;
  for (const [service, children] of fromService) {
    const candidates = toService.get(service);
    if (candidates === undefined) continue;
    candidates.sort((a, b) => calls[a].callReceived - calls[b].callReceived || a - b);
    children.sort((a, b) => sent(a) - sent(b) || a - b);
    // heap order: received later first, then listed first
    const heap = new IndexHeap((a, b) => calls[a].callReceived > calls[b].callReceived || (calls[a].callReceived === calls[b].callReceived && a < b));
    let next = 0;
    for (const j of children) {
      const s = sent(j);
      while (next < candidates.length && calls[candidates[next]].callReceived <= s) heap.push(candidates[next++]);
      const drop = () => {
        while (heap.size > 0 && calls[heap.top()].responseSent < s) heap.pop();
      };
      drop();
      if (heap.size === 0) continue;
      if (heap.top() !== j) {
        calls[j].parent = heap.top();
        continue;
      }
      // a call from m to m is not its own parent: look past it
      heap.pop();
      drop();
      if (heap.size > 0) calls[j].parent = heap.top();
      heap.push(j);
    }
  }
}

/** A binary heap of indexes; `first(a, b)` is true when a comes out before b. */
class IndexHeap {
  private readonly items: number[] = [];
  constructor(private readonly first: (a: number, b: number) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  top(): number {
    return this.items[0];
  }

  push(x: number): void {
    const h = this.items;
    let i = h.length;
    h.push(x);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.first(x, h[p])) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = x;
  }

  pop(): number {
    const h = this.items;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const c = l + 1 < h.length && this.first(h[l + 1], h[l]) ? l + 1 : l;
        if (!this.first(h[c], last)) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
