import type { Trace } from '../../src/lib/trace/trace.ts';

/** Writes traces as the messages-csv format of Fig. 1 (one row per call and response message). */
export function messagesCsv(traces: Trace[]): string {
  const t = (v: number | undefined) => (v === undefined ? '' : String(v));
  const lines = ['trace_id,kind,from,to,sent_ms,received_ms'];
  for (const tr of traces) {
    for (const c of tr.calls) {
      lines.push(`${tr.id},call,${c.caller},${c.callee},${t(c.callSent)},${t(c.callReceived)}`);
      lines.push(`${tr.id},response,${c.callee},${c.caller},${t(c.responseSent)},${t(c.responseReceived)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
