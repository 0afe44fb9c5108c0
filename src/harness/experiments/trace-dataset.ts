import type { Dataset } from '../../lib/contracts/dataset.ts';
import { CallPathList, type CallPathOptions } from '../../lib/callpaths/call-path-list.ts';
import { encodeTraces } from '../../lib/stv/encode.ts';
import type { Whitelist } from '../../lib/stv/whitelist.ts';
import type { Trace, TraceLabel } from '../../lib/trace/trace.ts';

export interface TraceSplits {
  name: string;
  description: string;
  train: { traces: Trace[]; labels?: Map<string, TraceLabel> };
  test: { traces: Trace[]; labels: Map<string, TraceLabel> };
  callPaths?: CallPathOptions;
  whitelist?: Whitelist;
  provenance: Record<string, unknown>;
}

/**
 * A dataset of raw traces, with STVs encoded against the call path list of the training traces (paper sec. II-C),
 * so that both trace-based and STV-based methods run on it. STV values are raw response times (ms, -1 = absent);
 * normalisation is each method's business. Test traces with paths outside the list are counted in the provenance.
 */
export function datasetFromTraces(s: TraceSplits): Dataset {
  const list = CallPathList.fromTraces(s.train.traces, s.callPaths ?? {});
  const train = encodeTraces(list, s.train.traces, s.whitelist);
  const test = encodeTraces(list, s.test.traces, s.whitelist);
  const anomalyTypes = new Set<string>();
  for (const l of s.test.labels.values()) if (l.label === 1 && l.anomalyType) anomalyTypes.add(l.anomalyType);
  return {
    name: s.name,
    description: s.description,
    train: { traces: s.train.traces, stv: train.matrix, ...(s.train.labels ? { labels: s.train.labels } : {}) },
    test: { traces: s.test.traces, stv: test.matrix, labels: s.test.labels },
    anomalyTypes: [...anomalyTypes].sort(),
    provenance: { ...s.provenance, dimensions: list.width, testTracesWithUnseenPaths: test.unseen.length },
  };
}
