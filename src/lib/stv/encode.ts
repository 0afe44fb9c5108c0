import type { Trace } from '../trace/trace.ts';
import type { CallPathList } from '../callpaths/call-path-list.ts';
import { StvMatrixBuilder, type StvMatrix } from './matrix.ts';
import type { Whitelist } from './whitelist.ts';

/** The unseen call paths of one trace (paths not in the call path list and not whitelisted). */
export interface UnseenPaths {
  traceId: string;
  /** Row of the trace in the encoded matrix. */
  row: number;
  pathIds: string[];
}

export interface EncodedTraces {
  matrix: StvMatrix;
  unseen: UnseenPaths[];
}

/**
 * Encodes traces as STVs against a call path list (paper sec. II-C); traces with call paths that are not in the
 * list are reported with those paths (whitelisted paths are not reported, and their dimensions do not exist).
 */
export function encodeTraces(list: CallPathList, traces: Iterable<Trace>, whitelist?: Whitelist): EncodedTraces {
  const builder = new StvMatrixBuilder(list.width, 1024);
  const unseen: UnseenPaths[] = [];
  for (const t of traces) {
    const row = builder.addRow(t.id);
    if (list.encodeInto(t, row) > 0) {
      const pathIds = list
        .pathsOf(t)
        .filter((p) => !p.known && !(whitelist?.covers(p.id, p.path) ?? false))
        .map((p) => p.id);
      if (pathIds.length > 0) unseen.push({ traceId: t.id, row: builder.rows - 1, pathIds });
    }
  }
  return { matrix: builder.build(list.dimensionIds), unseen };
}
