import type { DetectorInput } from '../../lib/contracts/dataset.ts';
import type { Localizer } from '../../lib/contracts/localizer.ts';

/** The root-cause columns `traceanomaly detect` writes for an anomalous trace ('' when nothing was found). */
export interface RootCauseColumns {
  root_cause_service: string;
  /** The call path id (STV dimension) of the root cause; on vector-only data `dimension j`; '' for service-only methods. */
  root_cause_path: string;
}

/**
 * The root cause of each anomalous row, for the detect command's output: the top candidate of a fitted
 * localiser (TraceAnomaly's, sec. II-D, by default), in the order of `anomalousRows`. A dimension without a call
 * path is named by `dimensionName` (the model's dimension ids, `dimension j` on vector-only data).
 */
export async function localizeAnomalies(
  localizer: Localizer,
  data: DetectorInput,
  anomalousRows: number[],
  dimensionName: (d: number) => string = (d) => `dimension ${d}`,
): Promise<RootCauseColumns[]> {
  if (anomalousRows.length === 0) return [];
  const rankings = await localizer.rank(data, anomalousRows);
  return rankings.map((r) => {
    const top = r[0];
    if (top === undefined) return { root_cause_service: '', root_cause_path: '' };
    const path = top.callPath ?? (top.dimension !== undefined ? dimensionName(top.dimension) : '');
    return { root_cause_service: top.service, root_cause_path: path };
  });
}
