import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/lib/backend/backend.ts';
import { readInto } from '../../src/lib/backend/wasm.ts';

describe.each(['wasm', 'cpu'] as const)('readInto on the %s backend', (backend) => {
  it('copies the values dataSync gives to the offset, and leaves the rest of the array alone', async () => {
    await useBackend(backend);
    const a = tf.tensor2d([1.5, -2, 3, 4, 5.25, 6], [2, 3]);
    const out = new Float32Array(10).fill(-7);
    readInto(a, out, 2);
    expect(Array.from(out)).toEqual([-7, -7, 1.5, -2, 3, 4, 5.25, 6, -7, -7]);
    // a product's output and a reshaped view of it (same data, other shape)
    const p = tf.matMul(a, tf.tensor2d([1, 0, 2, 1, 0, 3], [3, 2]));
    const r = tf.reshape(p, [4]);
    const fromView = new Float32Array(4);
    readInto(r, fromView);
    expect(Array.from(fromView)).toEqual(Array.from(p.dataSync()));
    tf.dispose([a, p, r]);
  });
});

describe('tf.clone on the wasm backend', () => {
  it('shares the data of its input (no copy), and each tensor keeps it alive until both are disposed', async () => {
    await useBackend('wasm');
    const backend = tf.backend();
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const buffers = backend.numDataIds();
    const b = tf.clone(a);
    expect(backend.numDataIds()).toBe(buffers);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(backend.numDataIds()).toBe(buffers);
    b.dispose();
    expect(backend.numDataIds()).toBe(buffers - 1);
    // strings still get their own copy
    const s = tf.tensor1d(['x', 'y'], 'string');
    const t = tf.clone(s);
    s.dispose();
    expect(t.dataSync()).toEqual(['x', 'y']);
    t.dispose();
  });
});
