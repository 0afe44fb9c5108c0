import { describe, expect, it } from 'vitest';
import { GaussianKde } from '../../src/lib/decision/kde.ts';
import { TraceAnomalyDetector, vanillaVae, type FittedModel } from '../../src/methods/traceanomaly/detector.ts';
import { DEFAULT_VAE, type VaeConfig } from '../../src/lib/model/config.ts';
import { FlowVae } from '../../src/lib/model/vae.ts';
import { selectRows, type StvMatrix } from '../../src/lib/stv/matrix.ts';
import { fitNormalisation } from '../../src/lib/stv/normalise.ts';
import { Random } from '../../src/lib/util/random.ts';
import { InputError } from '../../src/lib/util/errors.ts';

/** STVs over 5 dimensions; the last is valid only in the rows marked `newPath`. */
function stvs(n: number, seed: number, newPath: (i: number) => boolean = () => false): StvMatrix {
  const r = new Random(seed);
  const values = new Float32Array(n * 5);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 4; j++) values[i * 5 + j] = 50 + 10 * j + 5 * r.normal();
    values[i * 5 + 4] = newPath(i) ? 20 : -1;
  }
  return { ids: Array.from({ length: n }, (_, i) => `s${seed}-${i}`), width: 5, values };
}

/** A detector holding an untrained (random) model: enough to check how scoring and decisions are wired. */
function detectorWithRandomModel(train: StvMatrix, samples = 8): TraceAnomalyDetector {
  const norm = fitNormalisation(train);
  const config: VaeConfig = { ...DEFAULT_VAE, inputDim: norm.columns.length, hidden: [8], zDim: 2, flowLength: 1, couplingHidden: 4 };
  const model = new FlowVae(config);
  const fitted: FittedModel = { config, params: model.initialParams(new Random(1)), space: { width: train.width, norm }, kde: new GaussianKde([-30, -20, -10, -5, 0]) };
  const d = new TraceAnomalyDetector({ backend: 'cpu', workers: 1, samples, alpha: 0.3 });
  d.useModel(fitted);
  return d;
}

describe('TraceAnomaly detector', () => {
  const train = stvs(50, 1);
  const test = stvs(12, 2, (i) => i === 3 || i === 7);

  it('scores a trace the same wherever it sits in the input (noise keyed by trace id)', async () => {
    const d = detectorWithRandomModel(train);
    const a = await d.analyse({ stv: test });
    const reversedRows = Array.from({ length: 12 }, (_, i) => 11 - i);
    const b = await d.analyse({ stv: selectRows(test, reversedRows) });
    for (let i = 0; i < 12; i++) {
      if (Number.isNaN(a.logPx[i])) expect(Number.isNaN(b.logPx[11 - i])).toBe(true);
      else expect(b.logPx[11 - i]).toBe(a.logPx[i]);
    }
  });

  it('marks traces with a dimension never valid in training as unseen and anomalous, and decide() agrees with analyse()', async () => {
    const d = detectorWithRandomModel(train);
    const scores = await d.score({ stv: test });
    const a = d.lastAnalysis!;
    expect(a.unseen.map((u, i) => (u.length ? i : -1)).filter((i) => i >= 0)).toEqual([3, 7]);
    expect(a.unseen[3]).toEqual(['dim:4']);
    expect(scores[3]).toBe(Infinity);
    expect(a.pValue[3]).toBe(0);
    expect(a.anomalous[3]).toBe(1);
    expect(Number.isNaN(a.logPx[3])).toBe(true);
    expect(Array.from(d.decide(scores))).toEqual(Array.from(a.anomalous));
    // the p-value rule itself: p < alpha (0.3 here) exactly when flagged, for the scored traces
    for (let i = 0; i < 12; i++) if (!a.unseen[i].length) expect(a.anomalous[i]).toBe(a.pValue[i] < 0.3 ? 1 : 0);
  });

  it('reports the importance-sampling gain: the median of log p(x) minus ELBO, 0 with one sample, positive with more', async () => {
    const one = detectorWithRandomModel(train, 1);
    await one.score({ stv: test });
    // with L_z = 1, log p(x) = log w_1 = the ELBO's one-sample estimate (up to float rounding of log-sum-exp)
    expect(Math.abs(one.diagnostics().importanceGain)).toBeLessThan(1e-4);
    const many = detectorWithRandomModel(train);
    await many.score({ stv: test });
    const a = many.lastAnalysis!;
    const gaps = Array.from(a.logPx.keys()).filter((i) => Number.isFinite(a.logPx[i])).map((i) => a.logPx[i] - a.elbo[i]).sort((x, y) => x - y);
    // 10 scored traces (2 of 12 unseen): the median is the mean of the 5th and 6th gaps
    expect(gaps).toHaveLength(10);
    const byHand = (gaps[4] + gaps[5]) / 2;
    expect(many.diagnostics().importanceGain).toBeCloseTo(byHand, 10);
    // Jensen: log mean exp >= mean log, strictly for a random model's spread of weights
    expect(byHand).toBeGreaterThan(0.01);
    expect(new TraceAnomalyDetector().diagnostics()).toEqual({});
  });

  it('shares a trained network between L_z values: adoptFit gives what a fresh fit with that L_z gives', async () => {
    const small = { backend: 'cpu' as const, workers: 1, hidden: [8], zDim: 2, flowLength: 1, couplingHidden: 4, maxEpochs: 2, batchSize: 16, seed: 3 };
    const first = new TraceAnomalyDetector({ ...small, samples: 4 });
    await first.fit({ stv: train });
    const fresh = new TraceAnomalyDetector({ ...small, samples: 9, alpha: 0.2 });
    await fresh.fit({ stv: train });
    const adopted = new TraceAnomalyDetector({ ...small, samples: 9, alpha: 0.2 });
    expect(adopted.fitKey()).toBe(first.fitKey());
    expect(new TraceAnomalyDetector({ ...small, maxEpochs: 3 }).fitKey()).not.toBe(first.fitKey());
    await adopted.adoptFit(first.fittedState(), { stv: train });
    expect(Array.from(adopted.model.params)).toEqual(Array.from(fresh.model.params));
    // the KDE is redone at L_z = 9: the same held-out log p(x) as the fresh fit's, not the first detector's
    expect(adopted.model.kde.toJSON()).toEqual(fresh.model.kde.toJSON());
    expect(adopted.model.kde.toJSON().samples).not.toEqual(first.model.kde.toJSON().samples);
    const a = await adopted.score({ stv: test });
    expect(Array.from(a)).toEqual(Array.from(await fresh.score({ stv: test })));
    expect(Array.from(adopted.decide(a))).toEqual(Array.from(fresh.decide(a)));
  });

  it('crossfit: fold models calibrate the KDE on every training trace, once for all the alphas that share the fit', async () => {
    const small = { backend: 'cpu' as const, workers: 1, hidden: [8], zDim: 2, flowLength: 1, couplingHidden: 4, maxEpochs: 2, batchSize: 16, seed: 3, samples: 4, calibration: 'crossfit' as const, folds: 3 };
    const phases = new Set<string>();
    const warnings: string[] = [];
    const first = new TraceAnomalyDetector(small);
    await first.fit({ stv: train }, { progress: (e) => phases.add(e.phase), warn: (m) => warnings.push(m) });
    // 50 training traces, each scored once by the model of the fold that left it out
    expect(first.model.calibration).toMatchObject({ source: 'crossfit', folds: 3, size: 50, resolves: false });
    expect(first.model.kde.size).toBe(50);
    expect([...phases].filter((p) => p.startsWith('fold')).sort()).toEqual(['fold 1/3 train', 'fold 1/3 validate', 'fold 2/3 train', 'fold 2/3 validate', 'fold 3/3 train', 'fold 3/3 validate']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/50 cross-fitted traces, fewer than 1\/alpha = 1000/);
    // the held-out source on the same fit: 5 traces, other values
    const heldout = new TraceAnomalyDetector({ ...small, calibration: 'heldout' });
    expect(heldout.fitKey()).toBe(first.fitKey());
    await heldout.adoptFit(first.fittedState(), { stv: train });
    expect(heldout.model.kde.size).toBe(5);
    // another alpha adopts the crossfit values without training a fold model again, and equals a fresh fit
    const adoptedPhases = new Set<string>();
    const adopted = new TraceAnomalyDetector({ ...small, alpha: 0.05 });
    await adopted.adoptFit(first.fittedState(), { stv: train }, { progress: (e) => adoptedPhases.add(e.phase) });
    expect(adoptedPhases.size).toBe(0);
    const fresh = new TraceAnomalyDetector({ ...small, alpha: 0.05 });
    await fresh.fit({ stv: train });
    expect(adopted.model.kde.toJSON()).toEqual(fresh.model.kde.toJSON());
    expect(adopted.model.calibration).toMatchObject({ size: 50, resolves: true });
    // the adopted detector scores the test split once: the second call reuses the values (no score phase), same bytes
    const scorePhases: string[] = [];
    const s1 = await adopted.score({ stv: test }, { progress: (e) => scorePhases.push(e.phase) });
    const s2 = await heldout.score({ stv: test }, { progress: (e) => scorePhases.push(e.phase) });
    expect(scorePhases.filter((p) => p === 'score').length).toBeGreaterThan(0);
    const afterFirst = scorePhases.length;
    expect(Array.from(s2)).toEqual(Array.from(s1));
    expect(Array.from(await fresh.score({ stv: test }))).toEqual(Array.from(s1));
    const again: string[] = [];
    await adopted.score({ stv: test }, { progress: (e) => again.push(e.phase) });
    expect(again).toEqual([]);
    expect(afterFirst).toBeGreaterThan(0);
  });

  it('is the vanilla VAE with K = 0, under its own name', () => {
    const v = vanillaVae({ flowLength: 10 });
    expect(v.name).toBe('vae');
    expect(v.options.flowLength).toBe(0);
    expect(new TraceAnomalyDetector().name).toBe('traceanomaly');
  });
});

describe('TraceAnomaly detector on values that are not finite', () => {
  it('names the trace and dimension of a value that is not a finite number before training', async () => {
    const m = stvs(100, 1);
    m.values[37 * 5 + 2] = Infinity;
    const err = await new TraceAnomalyDetector({ backend: 'cpu', maxEpochs: 1 }).fit({ stv: { ...m, dimensionIds: ['a', 'b', 'c', 'd', 'e'] } }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe('trace s1-37: dimension c is Infinity: STV values must be finite response times');
  });

  it('a training run that diverges stops with the epoch and the most extreme training value', async () => {
    const m = stvs(200, 1);
    m.values[11 * 5 + 1] = 5000; // an outlier in dimension 2
    const err = await new TraceAnomalyDetector({ backend: 'cpu', maxEpochs: 3, validSamples: 2, samples: 2, learningRate: 1e12, workers: 1 }).fit({ stv: m }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/^trace s1-11: training stopped in epoch \d: the (training loss|validation NLL) is NaN; its most extreme training value is dimension 2, \d+\.?\d* standard deviations from the dimension's mean: check such values in the input$/);
  });
});
