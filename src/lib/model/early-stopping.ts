/**
 * When SGVB training validates and when it stops (paper sec. III-C trains by SGD; the reference code keeps the
 * weights of its best validation): the held-out traces' NLL is measured at the end of the first epoch after every
 * `validEverySteps` optimiser steps, and training stops once `patience` validations in a row brought no new best,
 * but never before `minSteps` steps, so that a small training set (a few steps an epoch) trains as long as a large
 * one; `maxSteps` (a compute budget) and `maxEpochs` cap it, whichever comes first. Counting in steps, not epochs,
 * makes the rule independent of the training set's size.
 */
export interface StoppingRule {
  validEverySteps: number;
  patience: number;
  minSteps: number;
  maxSteps: number;
  maxEpochs: number;
}

export interface Validation {
  /** A new best held-out NLL (its weights are the ones to keep). */
  improved: boolean;
  /** Training should end here. */
  stop: boolean;
}

export class EarlyStopping {
  best = Infinity;
  bestEpoch = 0;
  bestStep = 0;
  private sinceBest = 0;
  private lastValidated = 0;

  constructor(private readonly rule: StoppingRule) {}

  /** Whether training ends at the end of `epoch` at the latest, after `steps` optimiser steps in all: a cap is reached. */
  capped(steps: number, epoch: number): boolean {
    return epoch >= this.rule.maxEpochs || steps >= this.rule.maxSteps;
  }

  /** Whether a validation is due at the end of `epoch`, after `steps` optimiser steps in all (always at a cap). */
  due(steps: number, epoch: number): boolean {
    return steps - this.lastValidated >= this.rule.validEverySteps || this.capped(steps, epoch);
  }

  /** Records the held-out NLL after `steps` steps (`epoch` epochs); a NaN NLL is never a new best. */
  observe(steps: number, epoch: number, nll: number): Validation {
    this.lastValidated = steps;
    const improved = nll < this.best;
    if (improved) {
      this.best = nll;
      this.bestEpoch = epoch;
      this.bestStep = steps;
      this.sinceBest = 0;
    } else this.sinceBest++;
    return { improved, stop: this.sinceBest >= this.rule.patience && steps >= this.rule.minSteps };
  }
}
