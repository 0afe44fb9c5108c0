import { ANOMALY_TYPES } from '../contracts/dataset.ts';

/** Detection quality for one true anomaly type. */
export interface TypeMetrics {
  /** Anomalous test rows of this type. */
  count: number;
  /**
   * Of the rows of this type, the fraction flagged anomalous (whatever type the method names, if any);
   * null (N/A) when the method cannot detect this type at all.
   */
  recall: number | null;
  /**
   * Of the rows the method flags and names as this type, the fraction that truly are anomalies of this type;
   * null (N/A) for methods that do not name types (0 when it names this type for no row).
   */
  precision: number | null;
}

export interface PerTypeInput {
  /** True anomaly type per row, null for normal rows (and for anomalies without a type). */
  trueTypes: readonly (string | null)[];
  /** The method's verdicts, 1 = anomalous. */
  flagged: ArrayLike<number>;
  /** Per row, the type the method names for a flagged row (ignored for unflagged rows); absent if it names none. */
  namedTypes?: readonly (string | null)[];
  /** Types the method can detect; a known type (rt, path) outside this list gets recall N/A. */
  detects?: readonly string[];
}

/**
 * Recall per true anomaly type, and precision per type for methods that name types (paper Table II).
 * The types are those that occur among the true types, sorted.
 */
export function perTypeMetrics(input: PerTypeInput): Record<string, TypeMetrics> {
  const { trueTypes, flagged, namedTypes, detects } = input;
  if (trueTypes.length !== flagged.length) throw new Error(`${trueTypes.length} labels but ${flagged.length} verdicts`);
  if (namedTypes && namedTypes.length !== flagged.length) throw new Error(`${namedTypes.length} named types but ${flagged.length} verdicts`);
  const types = [...new Set(trueTypes.filter((t): t is string => t !== null))].sort();
  const out: Record<string, TypeMetrics> = {};
  for (const type of types) {
    let count = 0;
    let found = 0;
    let named = 0;
    let namedRight = 0;
    for (let i = 0; i < trueTypes.length; i++) {
      const isType = trueTypes[i] === type;
      const isFlagged = flagged[i] === 1;
      if (isType) {
        count++;
        if (isFlagged) found++;
      }
      if (namedTypes && isFlagged && namedTypes[i] === type) {
        named++;
        if (isType) namedRight++;
      }
    }
    const cannot = detects !== undefined && (ANOMALY_TYPES as readonly string[]).includes(type) && !detects.includes(type);
    out[type] = {
      count,
      recall: cannot ? null : found / count,
      precision: cannot || !namedTypes ? null : named === 0 ? 0 : namedRight / named,
    };
  }
  return out;
}
