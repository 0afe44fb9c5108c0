import type { Call, Trace } from '../trace/trace.ts';
import { inferParents } from '../trace/infer-parents.ts';
import { InputError, TraceIssue } from '../util/errors.ts';
import { readBytes } from './input.ts';
import { readLines, splitCsv } from './lines.ts';
import { issueLog, type ReadOptions } from './options.ts';

export const MESSAGES_HEADER = ['trace_id', 'kind', 'from', 'to', 'sent_ms', 'received_ms'];

interface Message {
  kind: 'call' | 'response';
  from: string;
  to: string;
  sent?: number;
  received?: number;
  line: number;
}

function time(cell: string, file: string, line: number, what: string): number | undefined {
  if (cell.trim() === '' || cell === '-') return undefined;
  const v = Number(cell);
  if (!Number.isFinite(v)) throw new InputError({ file, line }, `${what} is not a number: ${JSON.stringify(cell)}`);
  return v;
}

/**
 * Pairs each response with its call: the unanswered call (m -> n) received last before the response was sent.
 * A call received in the very millisecond the response was sent is taken only when no earlier one is open: at
 * millisecond resolution, a synchronous caller's next call to the same service often arrives in the millisecond
 * the previous response left.
 */
function pairMessages(traceId: string, msgs: Message[], file: string): Trace {
  const calls: Call[] = [];
  const open: { call: Call; line: number }[] = [];
  for (const m of msgs) {
    if (m.kind !== 'call') continue;
    if (m.received === undefined) throw new TraceIssue({ file, line: m.line, traceId }, 'unmatched-message', 'call message without receive time');
    const call: Call = { caller: m.from, callee: m.to, callReceived: m.received, responseSent: NaN };
    if (m.sent !== undefined) call.callSent = m.sent;
    calls.push(call);
    open.push({ call, line: m.line });
  }
  const responses = msgs.filter((m) => m.kind === 'response').sort((a, b) => a.sent! - b.sent!);
  for (const r of responses) {
    let best = -1;
    let sameMs = -1;
    for (let i = 0; i < open.length; i++) {
      const c = open[i].call;
      if (c.callee !== r.from || c.caller !== r.to) continue;
      if (c.callReceived < r.sent!) {
        if (best < 0 || c.callReceived > open[best].call.callReceived) best = i;
      } else if (c.callReceived === r.sent! && sameMs < 0) sameMs = i;
    }
    if (best < 0) best = sameMs;
    if (best < 0) {
      const earlier = open.some((o) => o.call.callee === r.from && o.call.caller === r.to);
      throw new TraceIssue(
        { file, line: r.line, traceId },
        earlier ? 'negative-duration' : 'unmatched-message',
        earlier ? `response ${r.from} -> ${r.to} sent before its call was received` : `response ${r.from} -> ${r.to} has no matching call`,
      );
    }
    const c = open[best].call;
    c.responseSent = r.sent!;
    if (r.received !== undefined) c.responseReceived = r.received;
    open.splice(best, 1);
  }
  if (open.length > 0) {
    const o = open[0];
    throw new TraceIssue({ file, line: o.line, traceId }, 'unmatched-message', `call ${o.call.caller} -> ${o.call.callee} has no response`);
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
  const traces = new Map<string, Message[]>();
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
    let list = traces.get(traceId);
    if (list === undefined) traces.set(traceId, (list = []));
    list.push(m);
  }
  if (!sawRow) throw new InputError({ file }, 'no rows');
  for (const [traceId, msgs] of traces) {
    traces.delete(traceId);
    try {
      yield pairMessages(traceId, msgs, file);
    } catch (e) {
      if (e instanceof TraceIssue) issues.report(e);
      else throw e;
    }
  }
}
