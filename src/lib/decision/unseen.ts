import { ABSENT, type StvMatrix } from '../stv/matrix.ts';
import { parseWhole, type Whitelist } from '../stv/whitelist.ts';

/**
 * The unseen rule of sec. III-D / IV-B: a trace with a call path that the training traces never had is
 * anomalous unless the path is whitelisted. On STVs the same rule applies per dimension: a valid value in a
 * dimension that was never valid in training is an unseen call path (on the released data, which names no
 * dimensions, this is the only way to tell), and normalisation would otherwise drop it silently.
 */
export interface UnseenRule {
  /** Per input dimension (after alignment to the training dimensions): valid in some training trace. */
  seen: Uint8Array;
  /** Dimension ids, where known, for whitelisting and reporting. */
  dimensionIds?: string[];
  whitelist?: Whitelist;
}

/** How a dimension is named in reports when the data names none. */
export const anonymousDimension = (j: number): string => `dim:${j}`;

/** Per row, the unseen dimensions (ids) that are not whitelisted; empty for a trace with nothing new. */
export function unseenDimensions(m: StvMatrix, rule: UnseenRule): string[][] {
  const out: string[][] = [];
  const d = m.width;
  const allowed = new Map<number, boolean>();
  const isAllowed = (j: number): boolean => {
    let a = allowed.get(j);
    if (a === undefined) {
      const id = rule.dimensionIds?.[j];
      const parsed = id !== undefined ? parseWhole(id) : null;
      a = Boolean(rule.whitelist && id !== undefined && rule.whitelist.covers(id, parsed?.path ?? []));
      allowed.set(j, a);
    }
    return a;
  };
  for (let i = 0; i < m.ids.length; i++) {
    const found: string[] = [];
    for (let j = 0; j < d; j++) {
      if (!rule.seen[j] && m.values[i * d + j] !== ABSENT && !isAllowed(j)) found.push(rule.dimensionIds?.[j] ?? anonymousDimension(j));
    }
    out.push(found);
  }
  return out;
}
