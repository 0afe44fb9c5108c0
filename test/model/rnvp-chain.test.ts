import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/lib/backend/backend.ts';
import { DEFAULT_VAE } from '../../src/lib/model/config.ts';
import { rnvpBlocks } from '../../src/lib/model/flows/rnvp-chain.ts';
import { KernelArena } from '../../src/lib/model/kernel/instance.ts';
import { rnvpKernel } from '../../src/lib/model/kernel/rnvp-kernel.ts';
import { FlowVae } from '../../src/lib/model/vae.ts';
import { Random } from '../../src/lib/util/random.ts';

/** max |a - b| over max |b|: agreement relative to the reference's scale. */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 1e-30;
  let diff = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
  }
  return diff / scale;
}

/**
 * The flow of a model with every trainable parameter moved away from its initial value (the coupling heads
 * start at zero), pushed forward both ways: value and gradients of a weighted sum of z and log det with respect
 * to z0 and every flow parameter.
 */
function bothWays(cfg: { zDim: number; couplingHidden: number; flowLength: number }, n: number, seed: number) {
  const model = new FlowVae({ ...DEFAULT_VAE, inputDim: 4, ...cfg });
  const rng = new Random(seed);
  const flat = model.initialParams(rng);
  for (const s of model.layout.trainable) {
    const v = model.layout.view(flat, s.name);
    for (let i = 0; i < v.length; i++) v[i] += 0.3 * rng.normal();
  }
  const p = model.layout.toTensors(flat);
  const Z = cfg.zDim;
  const z0 = tf.tensor2d(Array.from({ length: n * Z }, () => rng.normal()), [n, Z]);
  const wz = tf.tensor2d(Array.from({ length: n * Z }, () => rng.normal()), [n, Z]);
  const wl = tf.tensor1d(Array.from({ length: n }, () => rng.normal()));
  const names = model.layout.trainable.filter((s) => s.name.startsWith('flow.')).map((s) => s.name);
  const run = (chain: boolean) =>
    tf.tidy(() => {
      const f = (...ts: tf.Tensor[]) => {
        const q = { ...p };
        names.forEach((name, i) => (q[name] = ts[i + 1]));
        const r = model.flowForward(q, ts[0] as tf.Tensor2D, chain);
        return tf.add(tf.sum(tf.mul(r.z, wz)), tf.sum(tf.mul(r.logDet, wl))) as tf.Scalar;
      };
      const r = model.flowForward(p, z0, chain);
      const { grads } = tf.valueAndGrads(f)([z0, ...names.map((name) => p[name])]);
      return { z: r.z.dataSync(), logDet: r.logDet.dataSync(), grads: grads.map((g) => g.dataSync()) };
    });
  const out = { chain: run(true), layers: run(false), names: ['z0', ...names] };
  tf.dispose([...Object.values(p), z0, wz, wl]);
  return out;
}

describe.each(['wasm', 'cpu'] as const)('the RealNVP flow as one kernel operation, on the %s backend', (backend) => {
  it.each([
    ['odd widths (d = 7, hidden 30, K = 3)', { zDim: 7, couplingHidden: 30, flowLength: 3 }, 9],
    ['the reference sizes (d = 10, hidden 500, K = 2)', { zDim: 10, couplingHidden: 500, flowLength: 2 }, 128],
  ] as const)('%s: z, log det and every gradient equal the layer-by-layer path', async (_, cfg, n) => {
    await useBackend(backend);
    const { chain, layers, names } = bothWays(cfg, n, 5);
    expect(relDiff(chain.z, layers.z)).toBeLessThan(1e-5);
    expect(relDiff(chain.logDet, layers.logDet)).toBeLessThan(1e-5);
    // float32 rounding in other orders: wasm's own layer path differs from cpu's by up to 1.4e-5 here
    names.forEach((name, i) => {
      expect(chain.grads[i].length, name).toBe(layers.grads[i].length);
      expect(relDiff(chain.grads[i], layers.grads[i]), name).toBeLessThan(5e-5);
    });
  });
});

describe('the RealNVP flow as one kernel operation', () => {
  it('gives the same bytes on the wasm and cpu backends (the arithmetic is all in the kernel)', async () => {
    const cfg = { zDim: 7, couplingHidden: 30, flowLength: 3 };
    await useBackend('wasm');
    const a = bothWays(cfg, 9, 8).chain;
    await useBackend('cpu');
    const b = bothWays(cfg, 9, 8).chain;
    expect(Array.from(a.z)).toEqual(Array.from(b.z));
    expect(Array.from(a.logDet)).toEqual(Array.from(b.logDet));
    a.grads.forEach((g, i) => expect(Array.from(g)).toEqual(Array.from(b.grads[i])));
  });
});

describe('the RealNVP kernel', () => {
  it('transposes a matrix in its memory', () => {
    const k = rnvpKernel();
    const arena = new KernelArena(k, 16);
    const src = arena.take(6);
    const dst = arena.take(6);
    arena.floats.set([1, 2, 3, 4, 5, 6], src >> 2);
    k.transpose(src, 2, 3, dst);
    expect(Array.from(arena.floats.subarray(dst >> 2, (dst >> 2) + 6))).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('refuses to hand out more than an arena reserved', () => {
    const arena = new KernelArena(rnvpKernel(), 8);
    arena.take(8);
    expect(() => arena.take(1)).toThrow(/9 floats taken|12 floats taken/);
  });

  it('takes only chains of RealNVP blocks', () => {
    expect(rnvpBlocks(new FlowVae({ ...DEFAULT_VAE, inputDim: 4 }).flow)).toHaveLength(10);
    expect(rnvpBlocks(new FlowVae({ ...DEFAULT_VAE, inputDim: 4, flow: 'planar' }).flow)).toBeNull();
    expect(rnvpBlocks([])).toBeNull();
  });
});
