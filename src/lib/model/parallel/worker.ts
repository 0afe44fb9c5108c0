// Entry of a data-parallel training / scoring worker (started by WorkerEngine through startTsWorker).
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { useBackend, type ConcreteBackend } from '../../backend/backend.ts';
import { readInto } from '../../backend/wasm.ts';
import { FlatAdam, GradientLayout, partitionSegments } from '../adam.ts';
import { gatherRows, lossAndGrads } from '../gradients.ts';
import { stepNoise } from '../noise.ts';
import type { Tensors } from '../params.ts';
import { scoreRows } from '../score.ts';
import { FlowVae } from '../vae.ts';
import { Barrier } from './barrier.ts';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.ts';

const init = workerData as WorkerInit;
const port = parentPort!;
const send = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

await useBackend(init.backend as ConcreteBackend);
const model = new FlowVae(init.config);
const layout = model.layout;
const gradLayout = new GradientLayout(layout);
const flat = new Float32Array(init.params);
let p: Tensors = layout.toTensors(flat);
const mySegments = partitionSegments(gradLayout, init.count)[init.index];
// the workers' gradients are of the data term; FlatAdam adds the L2 penalty's (see there)
const adam = new FlatAdam(gradLayout, init.adam, mySegments, init.config.l2);
const dataTerm = { layout, loss: (q: Tensors, x: tf.Tensor2D, e: tf.Tensor2D) => model.dataLoss(q, x, e) };
const train = new Float32Array(init.train, 0, init.trainRows * init.config.inputDim);
const G = gradLayout.size;
const slots = Array.from({ length: init.count }, (_, w) => new Float32Array(init.grads, w * G * 4, G));
/** Per worker: the data loss of its rows, then its part of the L2 penalty. */
const losses = new Float64Array(init.losses);
const barrier = new Barrier(init.sync, init.count);
let rows: Float32Array | undefined;

/** This worker's rows of a batch: an even split, the first workers taking one more row when B does not divide. */
function share(B: number): [number, number] {
  const base = Math.floor(B / init.count);
  const extra = B % init.count;
  const lo = init.index * base + Math.min(init.index, extra);
  return [lo, lo + base + (init.index < extra ? 1 : 0)];
}

function reloadTrainable(): void {
  for (const seg of gradLayout.segments) {
    p[seg.name].dispose();
    p[seg.name] = tf.tensor(flat.subarray(seg.paramOffset, seg.paramOffset + seg.size), seg.shape);
  }
}

/**
 * One step: the gradient of this worker's share of the batch (scaled by its share) goes to its slot; after
 * the barrier each worker sums the slots over its part of the parameters and applies Adam to that part of the
 * shared parameters; after a second barrier all load the updated parameters.
 */
function step(order: Int32Array, s: number, lr: number, globalStep: number): void {
  const B = init.batchSize;
  const D = init.config.inputDim;
  const Z = init.config.zDim;
  const [lo, hi] = share(B);
  // one buffer for every step's rows: the wasm backend copies a tensor's values when it makes the tensor
  if (rows?.length !== (hi - lo) * D) rows = new Float32Array((hi - lo) * D);
  const x = gatherRows(train, D, order, s * B + lo, s * B + hi, rows);
  const eps = stepNoise(init.seed, globalStep, B, Z).subarray(lo * Z, hi * Z);
  const mine = slots[init.index];
  tf.tidy(() => {
    const { loss, grads } = lossAndGrads(dataTerm, p, tf.tensor2d(x, [hi - lo, D]), tf.tensor2d(eps, [hi - lo, Z]), (hi - lo) / B);
    for (const seg of gradLayout.segments) readInto(grads[seg.name], mine, seg.offset);
    losses[init.index] = loss.dataSync()[0];
  });
  barrier.wait();
  // each cell is read between the barriers that follow its write and precede its next one
  let loss = 0;
  if (init.index === 0) for (let w = 0; w < init.count; w++) loss += losses[w];
  losses[init.count + init.index] = adam.stepSum(flat, slots, lr);
  barrier.wait();
  if (init.index === 0) {
    for (let w = 0; w < init.count; w++) loss += losses[init.count + w];
    send({ type: 'step', done: s + 1, loss });
  }
  reloadTrainable();
}

port.on('message', (m: ToWorker) => {
  try {
    switch (m.type) {
      case 'epoch': {
        const steps = Math.floor(m.order.length / init.batchSize);
        for (let s = 0; s < steps; s++) step(m.order, s, m.lr, m.firstStep + s);
        send({ type: 'epoch-done' });
        break;
      }
      case 'score': {
        const r = scoreRows(model, p, m.x, m.n, m.opts, (done) => send({ type: 'score-progress', done }));
        send({ type: 'scored', logPx: r.logPx, elbo: r.elbo }, [r.logPx.buffer as ArrayBuffer, r.elbo.buffer as ArrayBuffer]);
        break;
      }
      case 'reload-params':
        tf.dispose(Object.values(p));
        p = layout.toTensors(flat);
        send({ type: 'ok' });
        break;
      case 'close':
        tf.dispose(Object.values(p));
        port.close();
        break;
    }
  } catch (e) {
    send({ type: 'error', message: (e as Error).message, stack: (e as Error).stack });
  }
});
send({ type: 'ready' });
