import type { Dataset } from '../../lib/contracts/dataset.ts';
import type { Detector } from '../../lib/contracts/detector.ts';
import type { DetectionMethod, Registry } from '../experiments/registry.ts';
import { selectRows, type StvMatrix } from '../../lib/stv/matrix.ts';
import { Random } from '../../lib/util/random.ts';

/**
 * Deliberate breakages of the build that the quality gate must catch (`quality --mutate NAME`): each one a
 * regression a real change could bring. They change the gate's registry (methods and datasets), never the code.
 */
export const MUTATIONS = {
  'no-flow': "TraceAnomaly without its posterior flow (K = 0, the vanilla VAE under TraceAnomaly's name)",
  lz1: 'TraceAnomaly scored with one importance sample (L_z = 1)',
  'fixed-threshold': "TraceAnomaly's KDE p-value decision replaced by a fixed threshold (anomalous when log p(x) < 0)",
  shuffle: "every detector's scores shuffled among the test traces (seeded): rankings and verdicts carry no information",
  leak: "the test split's normal traces added to the training traces (test labels leaked into training)",
} as const;
export type MutationName = keyof typeof MUTATIONS;

export const isMutation = (name: string): name is MutationName => name in MUTATIONS;

/**
 * `inner` under a mutation's name, with its score or decide replaced; fit and the diagnostics pass through (the
 * shared-fit hooks and anomalyTypes do not: a mutated detector trains its own model and names no types).
 */
function mutated(inner: Detector, mutation: MutationName, replace: Partial<Pick<Detector, 'score' | 'decide'>>): Detector {
  return {
    name: inner.name,
    needs: inner.needs,
    detects: inner.detects,
    options: { ...inner.options, mutation },
    fit: (train, hooks) => inner.fit(train, hooks),
    score: replace.score ?? ((data, hooks) => inner.score(data, hooks)),
    decide: replace.decide ?? ((scores) => inner.decide(scores)),
    ...(inner.diagnostics ? { diagnostics: () => inner.diagnostics!() } : {}),
  };
}

/** A detector with its scores shuffled among the rows it scored (seeded). */
export function shuffled(inner: Detector, seed: number): Detector {
  return mutated(inner, 'shuffle', {
    async score(data, hooks) {
      const scores = await inner.score(data, hooks);
      const perm = new Random(seed).permutation(scores.length);
      return Float64Array.from(perm, (j) => scores[j]);
    },
  });
}

/** A detector whose verdicts are `score > threshold` instead of its own decision rule. */
export function fixedThreshold(inner: Detector, threshold: number): Detector {
  return mutated(inner, 'fixed-threshold', { decide: (scores) => Uint8Array.from(scores, (s) => (s > threshold ? 1 : 0)) });
}

/** The dataset with its test split's normal rows (by their labels) appended to the training split. */
export function leakTestNormals(d: Dataset): Dataset {
  const labels = d.test.labels;
  if (!labels) throw new Error(`dataset ${d.name}: no test labels to leak`);
  const ids = d.test.stv?.ids ?? d.test.traces?.map((t) => t.id) ?? [];
  const normal = ids.flatMap((id, i) => (labels.get(id)?.label === 0 ? [i] : []));
  const train = { ...d.train };
  if (d.train.traces && d.test.traces) train.traces = [...d.train.traces, ...normal.map((i) => d.test.traces![i])];
  if (d.train.stv && d.test.stv) train.stv = concatRows(d.train.stv, selectRows(d.test.stv, normal));
  return { ...d, train, provenance: { ...d.provenance, mutation: 'leak' } };
}

function concatRows(a: StvMatrix, b: StvMatrix): StvMatrix {
  if (a.width !== b.width) throw new Error(`cannot append rows of width ${b.width} to ${a.width}`);
  const values = new Float32Array(a.values.length + b.values.length);
  values.set(a.values);
  values.set(b.values, a.values.length);
  return { ...a, ids: [...a.ids, ...b.ids], values };
}

const TRACEANOMALY = 'traceanomaly';

/** Applies a mutation to the gate's registry in place. */
export function mutate(registry: Registry, name: MutationName): void {
  const wrapMethod = (m: DetectionMethod, wrap: (d: Detector, seed: number) => Detector, options: Record<string, unknown> = {}): DetectionMethod => ({
    ...m,
    version: `${m.version}-mutated-${name}`,
    create: async (ctx) => wrap(await m.create({ ...ctx, options: { ...ctx.options, ...options } }), ctx.seed),
  });
  const ta = registry.method(TRACEANOMALY) as DetectionMethod;
  switch (name) {
    case 'no-flow':
      registry.methods.set(TRACEANOMALY, wrapMethod(ta, (d) => d, { flowLength: 0 }));
      return;
    case 'lz1':
      registry.methods.set(TRACEANOMALY, wrapMethod(ta, (d) => d, { samples: 1 }));
      return;
    case 'fixed-threshold':
      // the score is -log p(x): flag log p(x) < 0
      registry.methods.set(TRACEANOMALY, wrapMethod(ta, (d) => fixedThreshold(d, 0)));
      return;
    case 'shuffle':
      for (const [k, m] of registry.methods) if (m.kind === 'detection') registry.methods.set(k, wrapMethod(m, shuffled));
      return;
    case 'leak':
      for (const [k, d] of registry.datasets) registry.datasets.set(k, { ...d, load: async (ctx) => leakTestNormals(await d.load(ctx)) });
      return;
  }
}
