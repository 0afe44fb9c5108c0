import type { Dataset } from '../../src/lib/contracts/dataset.ts';
import type { Trace, TraceLabel } from '../../src/lib/trace/trace.ts';
import type { FaultWindow } from './faults.ts';
import type { SimTrace } from './run.ts';

/** A simulated dataset: the `Dataset` contract plus the faults that were injected, in time order. */
export interface SimulatedDataset extends Dataset {
  faults: FaultWindow[];
}

/** Collects a simulated training and test day into a `Dataset` (training traces unlabelled, as in the paper). */
export function collectDataset(
  days: { train: Iterable<SimTrace>; test: Iterable<SimTrace>; faults: FaultWindow[] },
  about: Pick<Dataset, 'name' | 'description' | 'provenance'>,
): SimulatedDataset {
  const train: Trace[] = [];
  for (const s of days.train) train.push(s.trace);
  const test: Trace[] = [];
  const labels = new Map<string, TraceLabel>();
  for (const s of days.test) {
    test.push(s.trace);
    labels.set(s.trace.id, s.label);
  }
  return { ...about, train: { traces: train }, test: { traces: test, labels }, anomalyTypes: ['rt', 'path'], faults: days.faults };
}
