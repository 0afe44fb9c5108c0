import { MESSAGES_HEADER } from '../readers/messages-csv.ts';
import { csvField } from '../readers/lines.ts';
import type { Trace } from '../trace/trace.ts';
import { ENTRANCE } from '../trace/trace.ts';

const time = (v: number | undefined) => (v === undefined ? '' : String(v));

/**
 * The message log of the paper's Fig. 1, two rows per call (call and response), each trace's messages in time
 * order. The entrance call's send time and its response's receive time are left empty, as in Fig. 1 (the client
 * is not traced). Statuses, endpoints and instances have no column in this format.
 */
export function* messagesCsvLines(traces: Iterable<Trace>): Generator<string> {
  yield MESSAGES_HEADER.join(',');
  for (const t of traces) {
    const id = csvField(t.id);
    const rows: { at: number; seq: number; text: string }[] = [];
    t.calls.forEach((c, k) => {
      const entrance = c.caller === ENTRANCE;
      const from = csvField(c.caller);
      const to = csvField(c.callee);
      const sent = entrance ? undefined : c.callSent;
      rows.push({ at: c.callSent ?? c.callReceived, seq: 2 * k, text: `${id},call,${from},${to},${time(sent)},${c.callReceived}` });
      const back = entrance ? undefined : c.responseReceived;
      rows.push({ at: c.responseSent, seq: 2 * k + 1, text: `${id},response,${to},${from},${c.responseSent},${time(back)}` });
    });
    rows.sort((a, b) => a.at - b.at || a.seq - b.seq);
    for (const r of rows) yield r.text;
  }
}
