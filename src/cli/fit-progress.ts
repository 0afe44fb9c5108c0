import type { FitHooks } from '../contracts/detector.ts';
import type { TraceAnomalyDetector } from '../detector/traceanomaly-detector.ts';
import { formatDuration, formatRate, Progress } from '../util/progress.ts';

/**
 * What `traceanomaly train` and `eval:released` show while a TraceAnomaly detector fits: a `train` bar (epoch,
 * loss, validation NLL), closed with the samples/s of the training steps alone when training ends, then a `kde`
 * bar while the held-out traces are scored at the full L_z for the decision KDE, and a closing summary.
 */
export function fitProgress(label = ''): { hooks: FitHooks; finish(detector: TraceAnomalyDetector): void } {
  const prefix = label ? `${label} ` : '';
  const bar = new Progress(`${prefix}train`, undefined, 'samples');
  let kdeBar: Progress | null = null;
  let done = 0;
  let stepRate = NaN;
  const closeTraining = () => bar.done(done, `${formatRate(stepRate)} samples/s in the training steps (the rest is validation)`);
  const hooks: FitHooks = {
    progress: (e) => {
      if (e.phase === 'kde') {
        if (!kdeBar) {
          closeTraining();
          kdeBar = new Progress(`${prefix}kde`, e.total, 'traces');
        }
        return kdeBar.update(e.done);
      }
      if (e.phase === 'validate') return bar.update(done, `epoch ${e.metrics?.epoch}, validating ${e.done}/${e.total}`);
      done = e.done;
      const m = e.metrics ?? {};
      if (m.stepSamplesPerSec !== undefined) stepRate = m.stepSamplesPerSec;
      bar.update(e.done, [`epoch ${m.epoch}`, `loss ${m.loss?.toFixed(2)}`, m.validNll !== undefined ? `valid NLL ${m.validNll.toFixed(2)}` : ''].filter(Boolean).join(', '));
    },
  };
  const finish = (detector: TraceAnomalyDetector) => {
    const r = detector.model.report!;
    const kde = detector.model.kde;
    if (kdeBar) kdeBar.done(kde.size, `held-out traces at L_z ${detector.options.samples}, KDE bandwidth ${kde.bandwidth.toPrecision(3)}`);
    else closeTraining();
    process.stderr.write(`${prefix}trained: ${r.epochs} epoch${r.epochs === 1 ? '' : 's'} in ${formatDuration(r.trainSeconds)} (best ${r.bestEpoch}, valid NLL ${r.bestValidNll.toFixed(2)}), ${r.engine}\n`);
  };
  return { hooks, finish };
}
