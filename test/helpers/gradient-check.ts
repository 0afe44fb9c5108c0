import { expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Random } from '../../src/lib/util/random.ts';
import type { TrainableNetwork } from '../../src/lib/model/network-training.ts';

/**
 * Checks a network's `lossAndGrads` against central differences of its loss, (L(x + eps) - L(x - eps)) / 2 eps,
 * at `perParam` seeded random entries of every parameter, to `digits` decimals. Every parameter must have a
 * gradient. `flat` (the parameters, layout order) is restored afterwards.
 */
export function expectGradientsMatchDifferences<B>(net: TrainableNetwork<B>, flat: Float32Array, batch: B, perParam = 2, eps = 1e-2, digits = 3): void {
  const lossAt = (x: Float32Array) => {
    const p = net.layout.toTensors(x);
    const l = tf.tidy(() => net.lossAndGrads(p, batch).loss.dataSync()[0]);
    tf.dispose(Object.values(p));
    return l;
  };
  const p = net.layout.toTensors(flat);
  const grads = tf.tidy(() => {
    const g = net.lossAndGrads(p, batch).grads;
    return Object.fromEntries(Object.entries(g).map(([k, v]) => [k, v.dataSync().slice()]));
  }) as unknown as Record<string, Float32Array>;
  tf.dispose(Object.values(p));
  const names = net.layout.specs.map((s) => s.name);
  expect(Object.keys(grads).sort()).toEqual([...names].sort());
  const rng = new Random(3);
  for (const name of names) {
    const view = net.layout.view(flat, name);
    for (let k = 0; k < perParam; k++) {
      const j = rng.int(view.length);
      const x0 = view[j];
      view[j] = x0 + eps;
      const up = lossAt(flat);
      view[j] = x0 - eps;
      const down = lossAt(flat);
      view[j] = x0;
      expect(grads[name][j], `${name}[${j}]`).toBeCloseTo((up - down) / (2 * eps), digits);
    }
  }
}
