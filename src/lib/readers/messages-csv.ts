import type { Call, Trace } from '../trace/trace.ts';
import { inferParents } from '../trace/infer-parents.ts';
import { MAX_TIME_MS, validTime } from '../trace/trace.ts';
import { parseDecimal } from '../util/decimal.ts';
import { InputError, TraceIssue } from '../util/errors.ts';
import { readBytes } from './input.ts';
import { readLines, splitCsv } from './lines.ts';
import { issueLog, maxSpans, tooManySpans, type ReadOptions } from './options.ts';

export const MESSAGES_HEADER = ['trace_id', 'kind', 'from', 'to', 'sent_ms', 'received_ms'];

export interface Message {
  kind: 'call' | 'response';
  from: string;
  to: string;
  sent?: number;
  received?: number;
  line: number;
}

function time(cell: string, file: string, line: number, what: string): number | undefined {
  if (cell.trim() === '' || cell === '-') return undefined;
  const v = parseDecimal(cell);
  if (Number.isNaN(v)) throw new InputError({ file, line }, `${what} is not a number: ${JSON.stringify(cell)}`);
  return v;
}

/**
 * The open calls of one (caller, callee) pair, sorted by receive time (ties: listed last first), so that the
 * open call received last before a time, the first listed of those, is the last open one before that time.
 * Answered calls are skipped by a union-find over positions.
 */
class OpenCalls {
  readonly calls: number[] = [];
  private received!: Float64Array;
  private link!: Int32Array;
  open = 0;

  seal(all: readonly Call[]): void {
    this.calls.sort((a, b) => all[a].callReceived - all[b].callReceived || b - a);
    this.received = Float64Array.from(this.calls, (i) => all[i].callReceived);
    this.link = Int32Array.from(this.calls, (_, k) => k);
    this.open = this.calls.length;
  }

  /** The last open position at or before `k` (-1: none). */
  private alive(k: number): number {
    let root = k;
    while (root >= 0 && this.link[root] !== root) root = this.link[root];
    while (k > root) {
      const up = this.link[k];
      this.link[k] = root;
      k = up;
    }
    return root;
  }

  /** First position whose receive time is above `t` (`orEqual`: at or above `t`). */
  private bound(t: number, orEqual: boolean): number {
    let lo = 0;
    let hi = this.received.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.received[mid] < t || (!orEqual && this.received[mid] === t)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Takes the call a response sent at `t` answers: the open call received last before `t`, else the first listed
   * open call received at `t`; -1 when there is none.
   */
  take(t: number): number {
    let k = this.alive(this.bound(t, true) - 1);
    if (k < 0) {
      k = this.alive(this.bound(t, false) - 1);
      if (k >= 0 && this.received[k] !== t) k = -1;
    }
    if (k < 0) return -1;
    this.link[k] = k - 1;
    this.open--;
    return this.calls[k];
  }
}

/**
 * Pairs each response with its call: the unanswered call (m -> n) received last before the response was sent.
 * A call received in the very millisecond the response was sent is taken only when no earlier one is open: at
 * millisecond resolution, a synchronous caller's next call to the same service often arrives in the millisecond
 * the previous response left. O(n log n) in the messages.
 */
export function pairMessages(traceId: string, msgs: Message[], file: string): Trace {
  const calls: Call[] = [];
  const lines: number[] = [];
  const pairs = new Map<string, OpenCalls>();
  const pairKey = (caller: string, callee: string) => `${caller}\u0000${callee}`;
  for (const m of msgs) {
    for (const [what, t] of [['sent_ms', m.sent], ['received_ms', m.received]] as const) {
      if (t !== undefined && !validTime(t)) throw new TraceIssue({ file, line: m.line, traceId }, 'invalid-time', `${what} ${t} is beyond +-${MAX_TIME_MS} ms, the range of dates`);
    }
  }
  for (const m of msgs) {
    if (m.kind !== 'call') continue;
    if (m.received === undefined) throw new TraceIssue({ file, line: m.line, traceId }, 'unmatched-message', 'call message without receive time');
    const call: Call = { caller: m.from, callee: m.to, callReceived: m.received, responseSent: NaN };
    if (m.sent !== undefined) call.callSent = m.sent;
    const key = pairKey(m.from, m.to);
    let pair = pairs.get(key);
    if (pair === undefined) pairs.set(key, (pair = new OpenCalls()));
    pair.calls.push(calls.length);
    calls.push(call);
    lines.push(m.line);
  }
  for (const pair of pairs.values()) pair.seal(calls);
  const responses = msgs.filter((m) => m.kind === 'response').sort((a, b) => a.sent! - b.sent!);
  for (const r of responses) {
    const { from, to, sent, received, line } = r;
    const pair = pairs.get(pairKey(to, from));
    const best = pair ? pair.take(sent!) : -1;
    if (best < 0) {
      const earlier = pair !== undefined && pair.open > 0;
      throw new TraceIssue(
        { file, line, traceId },
        earlier ? 'negative-duration' : 'unmatched-message',
        earlier ? `response ${from} -> ${to} sent before its call was received` : `response ${from} -> ${to} has no matching call`,
      );
    }
    const c = calls[best];
    c.responseSent = sent!;
    if (received !== undefined) c.responseReceived = received;
  }
  const unanswered = calls.findIndex((c) => Number.isNaN(c.responseSent));
  if (unanswered >= 0) {
    const c = calls[unanswered];
    throw new TraceIssue({ file, line: lines[unanswered], traceId }, 'unmatched-message', `call ${c.caller} -> ${c.callee} has no response`);
  }
  inferParents(calls);
  return { id: traceId, calls };
}

/**
 * The message log of the paper's Fig. 1, one row per message: `trace_id,kind,from,to,sent_ms,received_ms`,
 * kind `call` or `response`; an empty cell (or `-`) is a time that was not collected.
 */
export async function* readMessagesCsv(file: string, opts: ReadOptions = {}): AsyncGenerator<Trace> {
  const issues = issueLog(opts);
  const cap = maxSpans(opts);
  // a trace past the cap keeps only its count of calls (and the line it starts on) from then on
  const traces = new Map<string, { msgs: Message[]; calls: number; line: number }>();
  let sawRow = false;
  for await (const [text, line] of readLines(readBytes(file))) {
    if (text.trim() === '') continue;
    const cells = splitCsv(text);
    if (cells === null) throw new InputError({ file, line }, 'unterminated quote');
    if (!sawRow && cells[0].trim().toLowerCase() === 'trace_id') {
      sawRow = true;
      continue;
    }
    sawRow = true;
    if (cells.length !== MESSAGES_HEADER.length) {
      throw new InputError({ file, line }, `expected ${MESSAGES_HEADER.length} columns (${MESSAGES_HEADER.join(',')}), found ${cells.length}`);
    }
    const [traceId, kindRaw, from, to, sentRaw, receivedRaw] = cells.map((c) => c.trim());
    const kind = kindRaw.toLowerCase();
    if (kind !== 'call' && kind !== 'response') throw new InputError({ file, line }, `kind must be "call" or "response", found ${JSON.stringify(kindRaw)}`);
    if (traceId === '' || from === '' || to === '') throw new InputError({ file, line }, 'empty trace_id, from or to');
    const m: Message = { kind, from, to, line };
    const sent = time(sentRaw, file, line, 'sent_ms');
    const received = time(receivedRaw, file, line, 'received_ms');
    if (sent !== undefined) m.sent = sent;
    if (received !== undefined) m.received = received;
    if (kind === 'response' && sent === undefined) throw new InputError({ file, line }, 'a response message needs its sent_ms (the callee-side response time depends on it)');
    let t = traces.get(traceId);
    if (t === undefined) traces.set(traceId, (t = { msgs: [], calls: 0, line }));
    if (kind === 'call') t.calls++;
    if (t.calls <= cap) t.msgs.push(m);
    else if (t.msgs.length > 0) t.msgs = [];
  }
  if (traces.size === 0) throw new InputError({ file }, 'no rows');
  for (const [traceId, t] of traces) {
    traces.delete(traceId);
    try {
      if (t.calls > cap) throw tooManySpans({ file, line: t.line, traceId }, t.calls, cap, 'calls');
      yield pairMessages(traceId, t.msgs, file);
    } catch (e) {
      if (e instanceof TraceIssue) issues.report(e);
      else throw e;
    }
  }
}
