import { ABSENT, type StvMatrix } from './matrix.ts';

export interface StvSummary {
  traces: number;
  dimensions: number;
  /** Dimensions valid in at least one trace. */
  validDimensions: number;
  /** Distinct sets of valid dimensions (HSTV groups, paper sec. II-D). */
  distinctValidSets: number;
}

export function summarizeStv(m: StvMatrix): StvSummary {
  const n = m.ids.length;
  const d = m.width;
  const anyValid = new Uint8Array(d);
  const sets = new Set<string>();
  const valid: number[] = [];
  for (let i = 0; i < n; i++) {
    valid.length = 0;
    const off = i * d;
    for (let j = 0; j < d; j++) {
      if (m.values[off + j] !== ABSENT) {
        anyValid[j] = 1;
        valid.push(j);
      }
    }
    sets.add(valid.join(','));
  }
  let validDimensions = 0;
  for (let j = 0; j < d; j++) validDimensions += anyValid[j];
  return { traces: n, dimensions: d, validDimensions, distinctValidSets: sets.size };
}
