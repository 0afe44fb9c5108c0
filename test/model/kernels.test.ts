import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { FlatAdam, GradientLayout } from '../../src/lib/model/adam.ts';
import { DEFAULT_VAE } from '../../src/lib/model/config.ts';
import { ADAM_SOURCE_SHA256 } from '../../src/lib/model/kernel/adam-wasm.ts';
import { RNVP_SOURCE_SHA256 } from '../../src/lib/model/kernel/rnvp-wasm.ts';
import { ADAM } from '../../src/lib/model/train-options.ts';
import { FlowVae } from '../../src/lib/model/vae.ts';
import { sha256 } from '../../src/lib/util/hash.ts';
import { Random } from '../../src/lib/util/random.ts';

describe('the WebAssembly kernels', () => {
  it.each([
    ['rnvp.c', RNVP_SOURCE_SHA256],
    ['adam.c', ADAM_SOURCE_SHA256],
  ])('%s: the committed module was built from the current source (run `npm run build:kernels` after changing it)', (file, hash) => {
    expect(hash).toBe(sha256(readFileSync(new URL(`../../src/lib/model/kernel/${file}`, import.meta.url))));
  });
});

/**
 * Reference Adam step in plain JavaScript (float64 arithmetic, float32 storage), as TensorFlow's Adam with
 * tf.clip_by_norm per parameter and an L2 term l2 * w added to the decayed parameters' gradients.
 */
function referenceStep(grads: GradientLayout, segments: number[], state: { m: Float32Array; v: Float32Array; t: number }, params: Float32Array, parts: Float32Array[], lr: number, l2: number, clipNorm: number): number {
  const { beta1, beta2, epsilon } = ADAM;
  state.t++;
  const a = (lr * Math.sqrt(1 - beta2 ** state.t)) / (1 - beta1 ** state.t);
  let penalty = 0;
  for (const index of segments) {
    const seg = grads.segments[index];
    const g = new Float32Array(seg.size);
    for (const part of parts) for (let j = 0; j < seg.size; j++) g[j] += part[seg.offset + j];
    let sq = 0;
    let ww = 0;
    for (let j = 0; j < seg.size; j++) {
      const w = params[seg.paramOffset + j];
      const gj = seg.decay && l2 > 0 ? g[j] + l2 * w : g[j];
      if (seg.decay && l2 > 0) ww += w * w;
      g[j] = gj;
      sq += gj * gj;
    }
    if (seg.decay && l2 > 0) penalty += 0.5 * l2 * ww;
    const norm = Math.sqrt(sq);
    const k = norm > clipNorm ? clipNorm / norm : 1;
    for (let j = 0; j < seg.size; j++) {
      const gj = g[j] * k;
      const i = seg.offset + j;
      const mj = beta1 * state.m[i] + (1 - beta1) * gj;
      const vj = beta2 * state.v[i] + (1 - beta2) * gj * gj;
      state.m[i] = mj;
      state.v[i] = vj;
      params[seg.paramOffset + j] -= (a * mj) / (Math.sqrt(vj) + epsilon);
    }
  }
  return penalty;
}

describe('FlatAdam (the Adam kernel)', () => {
  const model = new FlowVae({ ...DEFAULT_VAE, inputDim: 7, zDim: 3, hidden: [9, 5], couplingHidden: 6, flowLength: 2 });
  const grads = new GradientLayout(model.layout);
  it.each([
    [1, 0, 10],
    [2, 1e-4, 10],
    [2, 1e-4, 0.05],
    [3, 1e-2, 0.05],
  ])('%s share(s), l2 %s, clip norm %s: the same bytes as the plain JavaScript reference over five steps', (shares, l2, clipNorm) => {
    const rng = new Random(shares * 10 + clipNorm);
    const init = model.initialParams(rng);
    const segments = grads.segments.map((_, i) => i).filter((i) => i % 3 !== 1); // a part of the segments, as one worker has
    const adam = new FlatAdam(grads, { ...ADAM, clipNorm }, segments, l2);
    const state = { m: new Float32Array(grads.size), v: new Float32Array(grads.size), t: 0 };
    const ours = init.slice();
    const reference = init.slice();
    for (let step = 0; step < 5; step++) {
      const parts = Array.from({ length: shares }, () => new Float32Array(grads.size).map(() => rng.normal() * 0.3));
      const penalty = adam.stepSum(ours, parts, 1e-2);
      expect(penalty).toBe(referenceStep(grads, segments, state, reference, parts, 1e-2, l2, clipNorm));
    }
    expect(Array.from(ours)).toEqual(Array.from(reference));
    // the segments it does not own are left alone
    const untouched = grads.segments.filter((_, i) => !segments.includes(i));
    for (const s of untouched) expect(Array.from(ours.subarray(s.paramOffset, s.paramOffset + s.size))).toEqual(Array.from(init.subarray(s.paramOffset, s.paramOffset + s.size)));
  });
});
