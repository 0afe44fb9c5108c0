/** Per-trace results of a TraceAnomaly detection run (what `traceanomaly detect` writes). */
export interface Analysis {
  ids: string[];
  /** log p(x) by importance sampling; NaN for unseen traces, which are not scored (they are anomalous anyway). */
  logPx: Float64Array;
  elbo: Float64Array;
  /** Left-tail p-value of log p(x) under the KDE of the validation traces; 0 for unseen traces. */
  pValue: Float64Array;
  anomalous: Uint8Array;
  /** Per trace, its unseen call paths (ids) or, for anonymous STV dimensions, `dim:<index>`. */
  unseen: string[][];
}

/** 32-bit FNV-1a of a trace id: keys a trace's scoring noise, so its score does not depend on its file or position. */
export function traceKey(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
