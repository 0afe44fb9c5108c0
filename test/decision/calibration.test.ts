import { describe, expect, it } from 'vitest';
import { calibrationInfo, calibrationWarning, foldOf } from '../../src/lib/decision/calibration.ts';
import { calibrationValues, prepareTraining, type CalibrationFits, type PipelineOptions } from '../../src/lib/detector/pipeline.ts';
import type { StvMatrix } from '../../src/lib/stv/matrix.ts';

function stvs(n: number): StvMatrix {
  const values = Float32Array.from({ length: n * 3 }, (_, i) => 10 + (i % 7) + Math.floor(i / 3));
  return { ids: Array.from({ length: n }, (_, i) => `t${i}`), width: 3, values };
}

const options = (calibration: PipelineOptions['calibration'], folds = 5): PipelineOptions => ({ validFraction: 0.1, calibration, folds, seed: 4, definition: 'prefix', edgeLabel: 'service' });

/** Fake density models: a fitted one that scores a row by its index in `all`, fold models that record what they saw. */
function recorder(all: StvMatrix) {
  const index = new Map(all.ids.map((id, i) => [id, i]));
  const folds: { fold: number; train: string[]; valid: string[]; out: string[] }[] = [];
  const fits: CalibrationFits = {
    scoreFitted: async (rows) => Float64Array.from(rows.ids, (id) => index.get(id)!),
    fitFold: async (fold, _k, train, valid, out) => {
      folds.push({ fold, train: train.ids, valid: valid.ids, out: out.ids });
      return Float64Array.from(out.ids, (id) => 1000 * (fold + 1) + index.get(id)!);
    },
  };
  return { fits, folds, index };
}

describe('calibration sources of the decision KDE', () => {
  const data = { stv: stvs(103) };

  it('heldout and train score the held-out and the training rows with the fitted model', async () => {
    const p = prepareTraining(data, options('heldout'));
    const { fits } = recorder(p.all);
    const heldout = await calibrationValues(p, options('heldout'), fits);
    expect(heldout.ids).toEqual(p.valid.ids);
    expect(heldout.ids).toHaveLength(10);
    const train = await calibrationValues(p, options('train'), fits);
    expect(train.ids).toEqual(p.train.ids);
    expect(train.ids).toHaveLength(93);
  });

  it('crossfit gives every training trace exactly one score, from the model of the one fold that never saw it', async () => {
    const p = prepareTraining(data, options('crossfit'));
    const { fits, folds, index } = recorder(p.all);
    const c = await calibrationValues(p, options('crossfit', 4), fits);
    expect(folds.map((f) => f.fold)).toEqual([0, 1, 2, 3]);
    // the folds' held-out parts partition the 103 training traces; sizes differ by at most one
    const outs = folds.flatMap((f) => f.out);
    expect(outs.slice().sort()).toEqual(data.stv.ids.slice().sort());
    expect(folds.map((f) => f.out.length)).toEqual([26, 26, 26, 25]);
    for (const f of folds) {
      const seen = new Set([...f.train, ...f.valid]);
      expect(f.out.some((id) => seen.has(id))).toBe(false);
      // the model trained on everything else, holding out 10% of it for its early stopping
      expect(seen.size + f.out.length).toBe(103);
      expect(f.valid).toHaveLength(Math.round(0.1 * (103 - f.out.length)));
    }
    // each value is the one its fold's model gave
    const foldOfId = new Map(folds.flatMap((f) => f.out.map((id) => [id, f.fold] as const)));
    expect(c.ids).toHaveLength(103);
    c.ids.forEach((id, i) => expect(c.logDensity[i]).toBe(1000 * (foldOfId.get(id)! + 1) + index.get(id)!));
  });

  it('assigns folds round-robin over the seeded order and refuses fewer than 2 folds or rows than folds', () => {
    expect(Array.from(foldOf(7, 3))).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(() => foldOf(7, 1)).toThrow(/at least 2 folds/);
    expect(() => foldOf(2, 3)).toThrow(/cannot cross-fit 2 rows in 3 folds/);
  });

  it('warns when the calibration set cannot resolve alpha: fewer than 1/alpha values', () => {
    // the case: 112 held-out traces at alpha = 0.001 (any score above the lowest has p >= 0.5/112)
    const small = calibrationInfo('heldout', 112, 0.001);
    expect(small).toMatchObject({ size: 112, resolves: false });
    expect(small.expectedBelow).toBeCloseTo(0.112, 12);
    expect(calibrationWarning(small, 0.001)).toMatch(/112 held-out traces, fewer than 1\/alpha = 1000: p < 0.001 cannot be resolved/);
    expect(calibrationInfo('crossfit', 1000, 0.001, 5)).toMatchObject({ folds: 5, resolves: true });
    expect(calibrationWarning(calibrationInfo('train', 2000, 0.001), 0.001)).toBeNull();
    // alpha = 0.01 needs only 100
    expect(calibrationInfo('heldout', 112, 0.01).resolves).toBe(true);
  });
});
