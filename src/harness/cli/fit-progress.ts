import type { FitHooks } from '../../lib/contracts/detector.ts';
import type { TraceAnomalyDetector } from '../../methods/traceanomaly/detector.ts';
import { formatDuration, formatRate, Progress } from '../../lib/util/progress.ts';

/**
 * What `traceanomaly train` and `eval:released` show while a TraceAnomaly detector fits: a `train` bar (epoch,
 * loss, validation NLL), closed with the samples/s of the training steps alone when training ends; with crossfit
 * calibration one such bar per fold (`fold 2/5 train`); a `kde` bar while the calibration traces are scored at
 * the full L_z for the decision KDE; warnings (a calibration set too small for alpha) on their own line; and a
 * closing summary.
 */
export function fitProgress(label = ''): { hooks: FitHooks; finish(detector: TraceAnomalyDetector): void } {
  const prefix = label ? `${label} ` : '';
  let bar: { p: Progress; phase: string; done: number; stepRate: number } | null = null;
  let kdeBar: Progress | null = null;
  let kdeDone = 0;
  const closeBar = () => {
    if (bar) bar.p.done(bar.done, `${formatRate(bar.stepRate)} samples/s in the training steps (the rest is validation)`);
    bar = null;
  };
  const hooks: FitHooks = {
    progress: (e) => {
      if (e.phase === 'kde') {
        if (!kdeBar) {
          closeBar();
          kdeBar = new Progress(`${prefix}kde`, e.total, 'traces');
        }
        kdeDone = e.done;
        return kdeBar.update(e.done);
      }
      // `train` and `validate`, or `fold j/k train` and `fold j/k validate`
      const trainPhase = e.phase.replace(/validate$/, 'train');
      if (bar?.phase !== trainPhase) {
        closeBar();
        // crossfit: the previous fold's traces were scored; the next fold trains
        kdeBar?.done(kdeDone, 'traces of the fold before');
        kdeBar = null;
        bar = { p: new Progress(`${prefix}${trainPhase}`, undefined, 'samples'), phase: trainPhase, done: 0, stepRate: NaN };
      }
      if (e.phase.endsWith('validate')) return bar.p.update(bar.done, `epoch ${e.metrics?.epoch}, validating ${e.done}/${e.total}`);
      bar.done = e.done;
      const m = e.metrics ?? {};
      if (m.stepSamplesPerSec !== undefined) bar.stepRate = m.stepSamplesPerSec;
      bar.p.update(e.done, [`epoch ${m.epoch}`, `loss ${m.loss?.toFixed(2)}`, m.validNll !== undefined ? `valid NLL ${m.validNll.toFixed(2)}` : ''].filter(Boolean).join(', '));
    },
    warn: (message) => process.stderr.write(`${prefix}warning: ${message}\n`),
  };
  const finish = (detector: TraceAnomalyDetector) => {
    const { report: r, kde, calibration: c } = detector.model;
    const source = c ? `${c.size} ${c.source === 'crossfit' ? `cross-fitted (${c.folds} folds)` : c.source === 'train' ? 'training' : 'held-out'} traces` : `${kde.size} traces`;
    if (kdeBar) kdeBar.done(kdeDone, `KDE over ${source} at L_z ${detector.options.samples}, KDE bandwidth ${kde.bandwidth.toPrecision(3)}`);
    else closeBar();
    process.stderr.write(`${prefix}trained: ${r!.epochs} epoch${r!.epochs === 1 ? '' : 's'} (${r!.steps} steps) in ${formatDuration(r!.trainSeconds)} (best ${r!.bestEpoch}, valid NLL ${r!.bestValidNll.toFixed(2)}), ${r!.engine}\n`);
  };
  return { hooks, finish };
}
