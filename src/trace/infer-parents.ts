import type { Call } from './trace.ts';
import { ENTRANCE } from './trace.ts';

/**
 * For message logs, which do not say which call a call was made from: the parent of a call from m is the
 * call to m that was being served when the call was sent (received before, response sent after), the
 * innermost one when several are. Calls whose parent cannot be found keep `parent` undefined.
 */
export function inferParents(calls: Call[]): void {
  for (let j = 0; j < calls.length; j++) {
    const c = calls[j];
    if (c.caller === ENTRANCE || c.parent !== undefined) continue;
    const sent = c.callSent ?? c.callReceived;
    let best = -1;
    for (let i = 0; i < calls.length; i++) {
      const p = calls[i];
      if (i === j || p.callee !== c.caller) continue;
      if (p.callReceived <= sent && sent <= p.responseSent && (best < 0 || p.callReceived > calls[best].callReceived)) best = i;
    }
    if (best >= 0) c.parent = best;
  }
}
