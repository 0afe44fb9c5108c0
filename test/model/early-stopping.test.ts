import { describe, expect, it } from 'vitest';
import { EarlyStopping, type StoppingRule } from '../../src/lib/model/early-stopping.ts';

/**
 * Drives the rule over a synthetic run: `stepsPerEpoch` steps an epoch, the held-out NLL after `s` steps given by
 * `nll(s)`; returns the epochs validated, where training stopped and the best step.
 */
function run(rule: StoppingRule, stepsPerEpoch: number, nll: (steps: number) => number) {
  const es = new EarlyStopping(rule);
  const validated: number[] = [];
  for (let epoch = 1; epoch <= rule.maxEpochs; epoch++) {
    const steps = epoch * stepsPerEpoch;
    if (es.due(steps, epoch)) {
      validated.push(epoch);
      if (es.observe(steps, epoch, nll(steps)).stop) return { validated, stoppedAt: epoch, bestStep: es.bestStep };
    }
    if (es.capped(steps, epoch)) break;
  }
  return { validated, stoppedAt: null, bestStep: es.bestStep };
}

// a U-shaped held-out NLL: falls until 1,000 steps, then rises (overfitting)
const uShaped = (s: number) => (s - 1000) ** 2 / 1e4;

describe('early stopping on the held-out NLL', () => {
  it('validates every validEverySteps optimiser steps, rounded up to whole epochs, and always at the cap', () => {
    const rule = { validEverySteps: 100, patience: 1000, minSteps: 0, maxSteps: Infinity, maxEpochs: 10 };
    // 70 steps an epoch: due at 140 (epoch 2), 280 (4), 420 (6), 560 (8), 700 (10, also the cap)
    expect(run(rule, 70, () => 1).validated).toEqual([2, 4, 6, 8, 10]);
    // 30 steps an epoch: 120 (4), 240 (8), and the cap at 10
    expect(run(rule, 30, () => 1).validated).toEqual([4, 8, 10]);
  });

  it('stops after `patience` validations without a new best and keeps the best step', () => {
    // every 100 steps, 100 steps an epoch: best at 1,000; 1,100 1,200 1,300 are worse -> stop at epoch 13
    const r = run({ validEverySteps: 100, patience: 3, minSteps: 0, maxSteps: Infinity, maxEpochs: 100 }, 100, uShaped);
    expect(r.stoppedAt).toBe(13);
    expect(r.bestStep).toBe(1000);
  });

  it('stops at the same step whatever the size of an epoch: the rule counts steps', () => {
    const rule = { validEverySteps: 100, patience: 3, minSteps: 0, maxSteps: Infinity, maxEpochs: 10_000 };
    // 4 steps an epoch (a small training set) and 50 (a larger one): both stop 300 steps after the best at 1,000
    const small = run(rule, 4, uShaped);
    const large = run(rule, 50, uShaped);
    expect(small.stoppedAt! * 4).toBe(1300);
    expect(large.stoppedAt! * 50).toBe(1300);
    expect([small.bestStep, large.bestStep]).toEqual([1000, 1000]);
  });

  it('never stops before minSteps, however early the NLL stops improving', () => {
    // the best is at 1,000 steps, patience would stop at 1,300; minSteps 2,000 holds training to the first validation at or after it
    const r = run({ validEverySteps: 100, patience: 3, minSteps: 2000, maxSteps: Infinity, maxEpochs: 100 }, 100, uShaped);
    expect(r.stoppedAt).toBe(20);
    expect(r.bestStep).toBe(1000);
  });

  it('ends at maxSteps or maxEpochs, whichever comes first, validating there', () => {
    // 30 steps an epoch, budget 100 steps: the epoch that reaches it (4, 120 steps) is the last, and validated
    const r = run({ validEverySteps: 1000, patience: 1, minSteps: 0, maxSteps: 100, maxEpochs: 50 }, 30, (s) => -s);
    expect(r.validated).toEqual([4]);
    const es = new EarlyStopping({ validEverySteps: 1000, patience: 1, minSteps: 0, maxSteps: 100, maxEpochs: 3 });
    expect([es.capped(90, 3), es.capped(90, 2), es.capped(120, 2)]).toEqual([true, false, true]);
  });

  it('runs to the cap while the NLL keeps improving, and a NaN NLL is never a new best', () => {
    const falling = run({ validEverySteps: 10, patience: 2, minSteps: 0, maxSteps: Infinity, maxEpochs: 50 }, 10, (s) => -s);
    expect(falling.stoppedAt).toBeNull();
    expect(falling.bestStep).toBe(500);
    const es = new EarlyStopping({ validEverySteps: 1, patience: 1, minSteps: 0, maxSteps: Infinity, maxEpochs: 5 });
    expect(es.observe(1, 1, 5)).toEqual({ improved: true, stop: false });
    expect(es.observe(2, 2, NaN)).toEqual({ improved: false, stop: true });
    expect(es.best).toBe(5);
  });
});
