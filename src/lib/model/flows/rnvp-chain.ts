import * as tf from '@tensorflow/tfjs';
import { readInto } from '../../backend/wasm.ts';
import { selectColumns } from '../columns.ts';
import type { Tensors } from '../params.ts';
import { ActNorm } from './actnorm.ts';
import { AffineCoupling } from './coupling.ts';
import type { FlowLayer } from './flow.ts';
import { InvertibleDense } from './invertible-dense.ts';
import { KernelArena } from '../kernel/instance.ts';
import { rnvpKernel } from '../kernel/rnvp-kernel.ts';

/** One RealNVP block of the flow: ActNorm, affine coupling, invertible dense. */
export interface RnvpBlock {
  norm: ActNorm;
  coupling: AffineCoupling;
  dense: InvertibleDense;
}

const TRAINABLE = {
  norm: ['bias', 'logScale'],
  coupling: ['h.w', 'h.b', 'shift.w', 'shift.b', 'scale.w', 'scale.b'],
  dense: ['lower', 'upper', 'logS'],
} as const;
const PER_BLOCK = TRAINABLE.norm.length + TRAINABLE.coupling.length + TRAINABLE.dense.length;

/** The flow's blocks when it is a chain of RealNVP blocks (the reference configuration), else null. */
export function rnvpBlocks(flow: readonly FlowLayer[]): RnvpBlock[] | null {
  if (flow.length === 0 || flow.length % 3 !== 0) return null;
  const blocks: RnvpBlock[] = [];
  for (let k = 0; k < flow.length; k += 3) {
    const [norm, coupling, dense] = flow.slice(k, k + 3);
    if (!(norm instanceof ActNorm && coupling instanceof AffineCoupling && dense instanceof InvertibleDense)) return null;
    blocks.push({ norm, coupling, dense });
  }
  const { width, hidden, alpha } = blocks[0].coupling;
  if (blocks.some((b) => b.coupling.width !== width || b.coupling.hidden !== hidden || b.coupling.alpha !== alpha || b.dense.width !== width || b.norm.width !== width)) return null;
  return blocks;
}

/** The chain runs on backends whose tensors live in host memory (a GPU backend keeps the layer path: no host round trips). */
export function chainSuitsBackend(): boolean {
  const b = tf.getBackend();
  return b === 'wasm' || b === 'cpu';
}

/** Byte offsets of one block's buffers in the kernel's memory (all kept from the forward to the backward pass). */
interface BlockBuffers {
  bias: number;
  scale: number;
  wh: number;
  bh: number;
  wsT: number;
  bs: number;
  wcT: number;
  bc: number;
  /** The dense matrix W = A U', A = P L', U' and its diagonal sign * exp(logS), P. */
  w: number;
  a: number;
  uPrime: number;
  diag: number;
  perm: number;
  /** Saved activations: ActNorm output, coupling hidden layer, sigmoid scale, coupling output. */
  u: number;
  h: number;
  s: number;
  v: number;
}

/**
 * Where everything lives: the blocks' buffers first (one contiguous region, which the forward pass hands to tfjs
 * as its one saved tensor and the backward pass copies back), then scratch for either pass.
 */
function layout(take: (count: number) => number, K: number, n: number, d: number, d1: number, H: number) {
  const d2 = d - d1;
  const savedStart = take(0);
  const blocks: BlockBuffers[] = [];
  for (let k = 0; k < K; k++) {
    blocks.push({
      bias: take(d), scale: take(d), wh: take(d1 * H), bh: take(H), wsT: take(d2 * H), bs: take(d2), wcT: take(d2 * H), bc: take(d2),
      w: take(d * d), a: take(d * d), uPrime: take(d * d), diag: take(d), perm: take(d * d),
      u: take(n * d), h: take(n * H), s: take(n * d2), v: take(n * d),
    });
  }
  const savedEnd = take(0);
  const scratch = {
    zs: Array.from({ length: K + 1 }, () => take(n * d)),
    logDet: take(n),
    headT: take(H * d2),
    dy: take(n * d), dz: take(n * d), dld: take(n), dW: take(d * d), dBias: take(d), dLogScale: take(d),
    dWh: take(d1 * H), dbh: take(H), dWsT: take(d2 * H), dbs: take(d2), dWcT: take(d2 * H), dbc: take(d2),
    dWs: take(H * d2), dWc: take(H * d2), dh: take(H), dv: take(d), du: take(d),
  };
  return { savedStart, blocks, savedEnd, scratch };
}

/** An arena of the right size and the layout in it. */
function place(K: number, n: number, d: number, d1: number, H: number) {
  return KernelArena.fit(rnvpKernel(), (take) => layout(take, K, n, d, d1, H));
}

/** A tensor of kernel memory: the wasm backend copies what it is given; the cpu backend would keep the view. */
function tensorOf(f: Float32Array, at: number, shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const view = f.subarray(at >> 2, (at >> 2) + size);
  return tf.tensor(tf.getBackend() === 'wasm' ? view : view.slice(), shape);
}

/** The dense layer's matrices from its parameters, W = P L' U', into the block's buffers (float64 arithmetic). */
function denseForward(f: Float32Array, b: BlockBuffers, d: number, perm: Float32Array, sign: Float32Array, lower: Float32Array, upper: Float32Array, logS: Float32Array): void {
  const diag = new Float64Array(d);
  for (let i = 0; i < d; i++) diag[i] = sign[i] * Math.exp(logS[i]);
  const a = new Float64Array(d * d); // P L', L' = strictly lower part + I
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let acc = perm[i * d + j];
      for (let t = j + 1; t < d; t++) acc += perm[i * d + t] * lower[t * d + j];
      a[i * d + j] = acc;
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      // U' = strictly upper part + diag: (A U')_ij = sum_{t < j} A_it U_tj + A_ij diag_j
      let acc = a[i * d + j] * diag[j];
      for (let t = 0; t < j; t++) acc += a[i * d + t] * upper[t * d + j];
      f[(b.w >> 2) + i * d + j] = acc;
      f[(b.a >> 2) + i * d + j] = a[i * d + j];
      f[(b.uPrime >> 2) + i * d + j] = i === j ? diag[i] : j > i ? upper[i * d + j] : 0;
      f[(b.perm >> 2) + i * d + j] = perm[i * d + j];
    }
    f[(b.diag >> 2) + i] = diag[i];
  }
}

/** The gradients of lower, upper and logS from that of W (dW): dU' = A^T dW, dL' = P^T dW U'^T. */
function denseBackward(f: Float32Array, b: BlockBuffers, dW: number, d: number, dlSum: number) {
  const at = (p: number, i: number, j: number) => f[(p >> 2) + i * d + j];
  const dLower = new Float32Array(d * d);
  const dUpper = new Float32Array(d * d);
  const dLogS = new Float32Array(d);
  const dA = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let acc = 0;
      for (let t = 0; t < d; t++) acc += at(dW, i, t) * at(b.uPrime, j, t);
      dA[i * d + j] = acc;
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      if (j < i) {
        let acc = 0;
        for (let t = 0; t < d; t++) acc += at(b.perm, t, i) * dA[t * d + j];
        dLower[i * d + j] = acc;
      } else {
        let acc = 0;
        for (let t = 0; t < d; t++) acc += at(b.a, t, i) * at(dW, t, j);
        if (j > i) dUpper[i * d + j] = acc;
        else dLogS[i] = acc * f[(b.diag >> 2) + i] + dlSum;
      }
    }
  }
  return { dLower, dUpper, dLogS };
}

/** The trainable parameter tensors of the blocks, in the order the chain takes them. */
function chainInputs(blocks: RnvpBlock[], p: Tensors): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  for (const b of blocks) {
    for (const k of TRAINABLE.norm) out.push(p[`${b.norm.prefix}.${k}`]);
    for (const k of TRAINABLE.coupling) out.push(p[`${b.coupling.prefix}.${k}`]);
    for (const k of TRAINABLE.dense) out.push(p[`${b.dense.prefix}.${k}`]);
  }
  return out;
}

const values = (t: tf.Tensor) => t.dataSync() as Float32Array;

/**
 * The whole RealNVP flow of a batch as one operation with its gradient written out: z = flow(z0) and the summed
 * log|det| per row, as [n, d + 1]. Same maths as the layers (ActNorm, coupling, invertible dense; the tests
 * compare the two), computed by a WebAssembly kernel (src/lib/model/kernel/rnvp.c, 128-bit SIMD) instead of some 140 tfjs
 * operations per block: on [n x 10] matrices each tfjs operation costs more in dispatch than in arithmetic. For
 * host-memory backends (see chainSuitsBackend), in the training loss (FlowVae.elbo): it keeps every block's
 * activations (n x hidden floats a block) for the backward pass, as one saved tensor.
 */
export function rnvpChain(blocks: RnvpBlock[], p: Tensors, z0: tf.Tensor2D): { z: tf.Tensor2D; logDet: tf.Tensor1D } {
  const [n, d] = z0.shape;
  const K = blocks.length;
  const { n1: d1, n2: d2, hidden: H, alpha } = blocks[0].coupling;
  const constants = blocks.map((b) => ({ perm: values(p[`${b.dense.prefix}.perm`]), sign: values(p[`${b.dense.prefix}.sign`]) }));
  const kernel = rnvpKernel();
  const body = (...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [zIn, ...params] = args as tf.Tensor[];
    const { arena, at } = place(K, n, d, d1, H);
    const f = arena.floats;
    const { zs, logDet } = at.scratch;
    readInto(zIn, f, zs[0] >> 2);
    f.fill(0, logDet >> 2, (logDet >> 2) + n);
    let shared = 0;
    blocks.forEach((_, k) => {
      const b = at.blocks[k];
      const q = params.slice(k * PER_BLOCK, (k + 1) * PER_BLOCK);
      readInto(q[0], f, b.bias >> 2);
      const logScale = values(q[1]);
      for (let j = 0; j < d; j++) {
        f[(b.scale >> 2) + j] = Math.exp(logScale[j]);
        shared += logScale[j];
      }
      readInto(q[2], f, b.wh >> 2);
      readInto(q[3], f, b.bh >> 2);
      readInto(q[4], f, at.scratch.headT >> 2);
      kernel.transpose(at.scratch.headT, H, d2, b.wsT);
      readInto(q[5], f, b.bs >> 2);
      readInto(q[6], f, at.scratch.headT >> 2);
      kernel.transpose(at.scratch.headT, H, d2, b.wcT);
      const bc = values(q[7]);
      for (let j = 0; j < d2; j++) f[(b.bc >> 2) + j] = bc[j] + AffineCoupling.SCALE_BIAS;
      const logS = values(q[10]);
      denseForward(f, b, d, constants[k].perm, constants[k].sign, values(q[8]), values(q[9]), logS);
      for (let j = 0; j < d; j++) shared += logS[j];
      kernel.block_forward(n, d, d1, H, alpha, zs[k], b.bias, b.scale, b.wh, b.bh, b.wsT, b.bs, b.wcT, b.bc, b.w, b.u, b.h, b.s, b.v, zs[k + 1], logDet);
    });
    const out = new Float32Array(n * (d + 1));
    for (let i = 0; i < n; i++) {
      out.set(f.subarray((zs[K] >> 2) + i * d, (zs[K] >> 2) + (i + 1) * d), i * (d + 1));
      out[i * (d + 1) + d] = f[(logDet >> 2) + i] + shared;
    }
    save([tensorOf(f, at.savedStart, [(at.savedEnd - at.savedStart) >> 2])]);
    return {
      value: tf.tensor2d(out, [n, d + 1]),
      gradFunc: (dOut: tf.Tensor2D, saved: tf.Tensor[]) => {
        // the forward pass's layout (same shapes; the arena only names offsets, and the memory never shrinks),
        // its buffers restored from the saved tensor: another call may have used the memory in between
        const g = arena.floats;
        const s = at.scratch;
        readInto(saved[0], g, at.savedStart >> 2);
        const dOutValues = values(dOut);
        let dlSum = 0;
        for (let i = 0; i < n; i++) {
          g.set(dOutValues.subarray(i * (d + 1), i * (d + 1) + d), (s.dy >> 2) + i * d);
          g[(s.dld >> 2) + i] = dOutValues[i * (d + 1) + d];
          dlSum += dOutValues[i * (d + 1) + d];
        }
        const grads: tf.Tensor[] = new Array(K * PER_BLOCK);
        let [dy, dz] = [s.dy, s.dz];
        for (let k = K - 1; k >= 0; k--) {
          const b = at.blocks[k];
          kernel.block_backward(n, d, d1, H, alpha, dy, s.dld, b.scale, b.wh, b.wsT, b.wcT, b.w, b.u, b.h, b.s, b.v, dz, s.dW, s.dBias, s.dLogScale, s.dWh, s.dbh, s.dWsT, s.dbs, s.dWcT, s.dbc, s.dh, s.dv, s.du);
          kernel.transpose(s.dWsT, d2, H, s.dWs);
          kernel.transpose(s.dWcT, d2, H, s.dWc);
          // the log-determinants of ActNorm (sum logScale) and of the dense layer (sum logS) are in every row
          for (let j = 0; j < d; j++) g[(s.dLogScale >> 2) + j] += dlSum;
          const dense = denseBackward(g, b, s.dW, d, dlSum);
          const o = k * PER_BLOCK;
          grads[o] = tensorOf(g, s.dBias, [d]);
          grads[o + 1] = tensorOf(g, s.dLogScale, [d]);
          grads[o + 2] = tensorOf(g, s.dWh, [d1, H]);
          grads[o + 3] = tensorOf(g, s.dbh, [H]);
          grads[o + 4] = tensorOf(g, s.dWs, [H, d2]);
          grads[o + 5] = tensorOf(g, s.dbs, [d2]);
          grads[o + 6] = tensorOf(g, s.dWc, [H, d2]);
          grads[o + 7] = tensorOf(g, s.dbc, [d2]);
          grads[o + 8] = tf.tensor2d(dense.dLower, [d, d]);
          grads[o + 9] = tf.tensor2d(dense.dUpper, [d, d]);
          grads[o + 10] = tf.tensor1d(dense.dLogS);
          [dy, dz] = [dz, dy];
        }
        return [tensorOf(g, dy, [n, d]), ...grads];
      },
    };
  };
  const op = tf.customGrad(body as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...t: tf.Tensor[]) => tf.Tensor2D;
  const out = op(z0, ...chainInputs(blocks, p));
  return { z: selectColumns(out, 0, d), logDet: tf.reshape(selectColumns(out, d, 1), [-1]) as tf.Tensor1D };
}
