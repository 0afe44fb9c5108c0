import type { Call, Trace } from '../trace/trace.ts';
import { ENTRANCE } from '../trace/trace.ts';

/**
 * What names a call in the sequence baselines (spec 1.3):
 * - `caller-callee-endpoint` (default): `caller#callee#endpoint`, the dimension naming of the released `idx.pkl`;
 * - `callee-endpoint`: `callee#endpoint`, a microservice operation regardless of who calls it.
 * A call without an endpoint leaves the `#endpoint` part out.
 */
export type KeyKind = (typeof KEY_KINDS)[number];

export const KEY_KINDS = ['caller-callee-endpoint', 'callee-endpoint'] as const;

export function callKey(call: Call, kind: KeyKind): string {
  const tail = call.endpoint === undefined ? call.callee : `${call.callee}#${call.endpoint}`;
  return kind === 'callee-endpoint' ? tail : `${call.caller}#${tail}`;
}

/**
 * The entry API of a trace (spec 1.2): `callee#endpoint` of its entrance call (the first call whose caller is
 * `start`, else the first call).
 */
export function entryKey(trace: Trace): string {
  const root = trace.calls.find((c) => c.caller === ENTRANCE) ?? trace.calls[0];
  if (root === undefined) return '';
  return callKey(root, 'callee-endpoint');
}
