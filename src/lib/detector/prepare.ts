import { CallPathList } from '../callpaths/call-path-list.ts';
import { inputIds, type DetectorInput } from '../contracts/dataset.ts';
import { unseenDimensions } from '../decision/unseen.ts';
import { alignToTraining } from '../stv/align.ts';
import { encodeTraces } from '../stv/encode.ts';
import type { StvMatrix } from '../stv/matrix.ts';
import type { Normalisation } from '../stv/normalise.ts';
import type { Whitelist } from '../stv/whitelist.ts';

/** What a fitted detector knows about its input space. */
export interface InputSpace {
  /** Width of the training STVs (before normalisation drops never-valid dimensions). */
  width: number;
  /** Training dimension ids, where the data names them. */
  dimensionIds?: string[];
  /** The call path list, when trained on raw traces. */
  callPaths?: CallPathList;
  norm: Normalisation;
}

/** Training data as STVs: raw traces are encoded against a call path list built from them. */
export function trainingMatrix(data: DetectorInput, opts: { definition: CallPathList['definition']; edgeLabel: 'service' | 'endpoint' }): { matrix: StvMatrix; callPaths?: CallPathList } {
  if (data.traces) {
    const callPaths = CallPathList.fromTraces(data.traces, { definition: opts.definition, edgeLabel: opts.edgeLabel });
    return { matrix: encodeTraces(callPaths, data.traces).matrix, callPaths };
  }
  if (data.stv) return { matrix: data.stv };
  throw new Error('input has neither traces nor STVs');
}

/**
 * New data in the training dimensions, with each row's unseen call paths: from the call path list for raw
 * traces, and from dimensions never valid in training for STVs.
 */
export function testMatrix(data: DetectorInput, space: InputSpace, whitelist?: Whitelist): { matrix: StvMatrix; unseen: string[][] } {
  let matrix: StvMatrix;
  const unseen: string[][] = inputIds(data).map(() => []);
  if (data.traces && space.callPaths) {
    const enc = encodeTraces(space.callPaths, data.traces, whitelist);
    matrix = enc.matrix;
    for (const u of enc.unseen) unseen[u.row].push(...u.pathIds);
  } else if (data.stv) {
    matrix = alignToTraining(data.stv, space.width, space.dimensionIds);
  } else {
    throw new Error(data.traces ? 'this model was trained on STVs: give it STVs, not raw traces' : 'input has neither traces nor STVs');
  }
  const seen = new Uint8Array(matrix.width);
  for (const j of space.norm.columns) seen[j] = 1;
  const byDimension = unseenDimensions(matrix, { seen, ...(matrix.dimensionIds ? { dimensionIds: matrix.dimensionIds } : {}), ...(whitelist ? { whitelist } : {}) });
  byDimension.forEach((ids, i) => {
    for (const id of ids) if (!unseen[i].includes(id)) unseen[i].push(id);
  });
  return { matrix, unseen };
}
