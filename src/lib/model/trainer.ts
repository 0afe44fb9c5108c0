import * as tf from '@tensorflow/tfjs';
import type { FitHooks } from '../contracts/detector.ts';
import { Random } from '../util/random.ts';
import type { TrainEngine } from './engine.ts';
import { gatherRows } from './gradients.ts';
import { LocalEngine } from './local-engine.ts';
import { initNoise } from './noise.ts';
import { WorkerEngine } from './parallel/worker-engine.ts';
import { OnnxTrainEngine } from './onnx/onnx-engine.ts';
import { loadOrt } from '../backend/onnxruntime.ts';
import { graphProblem } from './onnx/score-graph.ts';
import { onnxBackend } from '../backend/backend.ts';
import { EarlyStopping } from './early-stopping.ts';
import { ADAM, type TrainOptions } from './train-options.ts';
import type { SgvbModel } from './sgvb-model.ts';
import { FlowVae } from './vae.ts';

/** Training met a loss (or validation NLL) that is not a finite number: it stops there, the weights are useless. */
export class TrainingDivergedError extends Error {
  override readonly name = 'TrainingDivergedError';
  constructor(readonly epoch: number, readonly what: 'training loss' | 'validation NLL', readonly value: number) {
    super(`training stopped in epoch ${epoch}: the ${what} is ${value}`);
  }
}

export interface TrainReport {
  epochs: number;
  /** Optimiser steps taken. */
  steps: number;
  bestEpoch: number;
  /** Optimiser steps at the best validation (the weights kept). */
  bestStep: number;
  bestValidNll: number;
  /** Validation NLL per validation: [epoch, nll]. */
  history: [number, number][];
  trainSeconds: number;
  samplesPerSecond: number;
  engine: string;
  stoppedEarly: boolean;
}

/**
 * The engine for the active backend: worker threads on wasm when more than one is asked for (the flow-VAE,
 * which the workers rebuild from its config), else this thread.
 */
export async function openEngine(model: SgvbModel, flat: Float32Array, train: Float32Array, opts: TrainOptions): Promise<TrainEngine> {
  const adam = { ...ADAM, clipNorm: opts.clipNorm };
  // the onnx backend: training steps and scoring as onnxruntime graphs where the model has them (a planar flow has none)
  if (onnxBackend() && model instanceof FlowVae && graphProblem(model) === null) {
    return new OnnxTrainEngine(await loadOrt(), model, flat, train, { batchSize: opts.batchSize, seed: opts.seed, adam, threads: Math.max(1, opts.workers) });
  }
  if (tf.getBackend() === 'wasm' && opts.workers > 1 && model instanceof FlowVae) {
    return WorkerEngine.start(model.config, flat, train, { workers: opts.workers, backend: 'wasm', batchSize: opts.batchSize, seed: opts.seed, adam });
  }
  return new LocalEngine(model, flat, train, { batchSize: opts.batchSize, seed: opts.seed, adam });
}

/** Trains (as `train`) and returns the best parameters with the report, the engine closed. */
export async function trainParams(model: SgvbModel, trainRows: Float32Array, validRows: Float32Array, opts: TrainOptions, hooks?: FitHooks): Promise<{ params: Float32Array; report: TrainReport }> {
  const { engine, report } = await train(model, trainRows, validRows, opts, hooks);
  try {
    return { params: await engine.params(), report };
  } finally {
    await engine.close();
  }
}

/**
 * SGVB training (paper sec. III-C, Eq. 2) with the reference code's schedule: Adam, the learning rate halved
 * every 100 epochs, per-parameter gradient clipping; the held-out NLL every `validEverySteps` optimiser steps and
 * early stopping that keeps the best weights (EarlyStopping). ActNorm layers are initialised from the first batch. Returns the engine, left
 * open with the best weights, so the caller can score with it, and a report.
 */
export async function train(
  model: SgvbModel,
  trainRows: Float32Array,
  validRows: Float32Array,
  opts: TrainOptions,
  hooks?: FitHooks,
): Promise<{ engine: TrainEngine; report: TrainReport }> {
  const D = model.config.inputDim;
  const n = trainRows.length / D;
  const nValid = validRows.length / D;
  const B = Math.min(opts.batchSize, n);
  if (n < 1) throw new Error('no training rows');
  const o = { ...opts, batchSize: B };
  const rng = new Random(opts.seed);
  const flat = model.initialParams(rng.fork(1));
  const orderRng = rng.fork(2);
  let order = orderRng.permutation(n);
  tf.tidy(() => model.initFromData(flat, tf.tensor2d(gatherRows(trainRows, D, order, 0, B), [B, D]), tf.tensor2d(initNoise(opts.seed, B, model.config.zDim), [B, model.config.zDim])));

  const engine = await openEngine(model, flat, trainRows, o);
  const stepsPerEpoch = Math.floor(n / B);
  // the most epochs the caps allow (early stopping may end sooner)
  const maxEpochs = Math.min(opts.maxEpochs, Math.max(1, Math.ceil(opts.maxSteps / Math.max(1, stepsPerEpoch))));
  const totalSamples = stepsPerEpoch * B * maxEpochs;
  const started = performance.now();
  const stopping = new EarlyStopping(opts);
  let bestParams: Float32Array | null = null;
  let epoch = 0;
  let stoppedEarly = false;
  let lastEmit = 0;
  let validNll = NaN;
  const history: [number, number][] = [];
  // an in-epoch emit awaits the loss from the engine; one that resolves after later work began (validation, the
  // next emit) is dropped, so that progress events arrive in order
  let emitSeq = 0;
  // time in training steps only (validation excluded), for the samples/s that progress reports
  let stepMs = 0;
  let epochStart: number | null = null;
  const emit = async (samples: number, force: boolean) => {
    const now = performance.now();
    if (!hooks?.progress || (!force && now - lastEmit < 1000)) return;
    lastEmit = now;
    const mine = ++emitSeq;
    const loss = await engine.loss();
    if (mine !== emitSeq) return;
    const inSteps = stepMs + (epochStart === null ? 0 : now - epochStart);
    // the rate of the training steps alone (validation excluded), beside the progress line's overall rate
    const metrics: Record<string, number> = { epoch, loss, stepSamplesPerSec: samples / (inSteps / 1000) };
    if (!Number.isNaN(validNll)) metrics.validNll = validNll;
    hooks.progress({ phase: 'train', done: samples, total: totalSamples, unit: 'samples', metrics });
  };
  try {
    for (epoch = 1; epoch <= opts.maxEpochs; epoch++) {
      if (epoch > 1) order = orderRng.permutation(n);
      const lr = opts.learningRate * opts.lrDecayFactor ** Math.floor((epoch - 1) / opts.lrDecayEvery);
      const before = (epoch - 1) * stepsPerEpoch * B;
      epochStart = performance.now();
      await engine.epoch(order, lr, (epoch - 1) * stepsPerEpoch, (done) => void emit(before + done * B, false));
      stepMs += performance.now() - epochStart;
      epochStart = null;
      // a NaN loss never recovers (Adam spreads it to every weight): stop at the first epoch that has one
      const loss = await engine.loss();
      if (!Number.isFinite(loss)) throw new TrainingDivergedError(epoch, 'training loss', loss);
      const steps = epoch * stepsPerEpoch;
      if (nValid > 0 && stopping.due(steps, epoch)) {
        emitSeq++;
        const r = await engine.score(validRows, nValid, { samples: opts.validSamples, seed: opts.seed }, (done) =>
          hooks?.progress?.({ phase: 'validate', done, total: nValid, unit: 'traces', metrics: { epoch } }),
        );
        validNll = -r.logPx.reduce((a, b) => a + b, 0) / nValid;
        if (Number.isNaN(validNll)) throw new TrainingDivergedError(epoch, 'validation NLL', validNll);
        history.push([epoch, validNll]);
        const v = stopping.observe(steps, epoch, validNll);
        if (v.improved) bestParams = await engine.params();
        stoppedEarly = v.stop && !stopping.capped(steps, epoch);
      }
      await emit(epoch * stepsPerEpoch * B, true);
      if (stoppedEarly || stopping.capped(steps, epoch)) break;
    }
    const epochs = Math.min(epoch, opts.maxEpochs);
    if (bestParams) await engine.setParams(bestParams);
    const seconds = (performance.now() - started) / 1000;
    return {
      engine,
      report: {
        epochs,
        steps: epochs * stepsPerEpoch,
        bestEpoch: bestParams ? stopping.bestEpoch : epochs,
        bestStep: bestParams ? stopping.bestStep : epochs * stepsPerEpoch,
        bestValidNll: stopping.best,
        history,
        trainSeconds: seconds,
        samplesPerSecond: (epochs * stepsPerEpoch * B) / seconds,
        engine: engine.description,
        stoppedEarly,
      },
    };
  } catch (e) {
    await engine.close();
    throw e;
  }
}
