import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { progressHooks } from '../../src/experiments/runner.ts';
import { formatMetric } from '../../src/util/progress.ts';

/** A non-terminal stream (a CI log) that keeps what is written. */
function logStream() {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (s: string) => (lines.push(...s.split('\n').filter((l) => l !== '')), true) } as unknown as NodeJS.WriteStream;
  return { lines, stream };
}

describe('progress lines of a cell in a log', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('closes a phase that ran 5 s or more with one line, skips short ones, and keeps a growing phase on one clock', () => {
    const { lines, stream } = logStream();
    const h = progressHooks(stream);
    // epoch 1: 8 s of training, then 1 s of validation
    for (let t = 0; t <= 8; t++) {
      vi.setSystemTime(t * 1000);
      h.progress!({ phase: 'train', done: t * 100, total: 1600, unit: 'samples', metrics: { epoch: 1, loss: 0.123456 } });
    }
    vi.setSystemTime(8500);
    h.progress!({ phase: 'validate', done: 50, total: 100 });
    vi.setSystemTime(9000);
    h.progress!({ phase: 'validate', done: 100, total: 100 });
    // epoch 2: training goes on from 800 samples; validation starts again from 0
    for (let t = 10; t <= 17; t++) {
      vi.setSystemTime(t * 1000);
      h.progress!({ phase: 'train', done: 800 + (t - 9) * 100, total: 1600, unit: 'samples', metrics: { epoch: 2, loss: 0.1, stepSamplesPerSec: 98765.4 } });
    }
    h.finish();
    expect(lines).toEqual([
      // the closing line comes when validation starts, at 8.5 s
      '    train: 800/1600 samples, 94.1 samples/s, ETA 8.5s, 8.5s, epoch 1, loss 0.1235',
      // one clock since the first event: 1,600 samples in 17 s, validation included
      '    train: 1600/1600 samples, 94.1 samples/s, 17.0s, epoch 2, loss 0.1000, stepSamplesPerSec 98,765',
    ]);
  });

  it('writes a quiet line every 30 s inside a long phase, counting items when the event names no unit', () => {
    const { lines, stream } = logStream();
    const h = progressHooks(stream);
    for (let t = 0; t <= 70; t++) {
      vi.setSystemTime(t * 1000);
      h.progress!({ phase: 'score', done: t, total: 100 });
    }
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('    score: 30/100 items, 1.00 items/s, ETA 1m10s, 30.0s');
  });

  it('formats integers whole, rates with separators, the rest to 4 digits', () => {
    expect(formatMetric(5)).toBe('5');
    expect(formatMetric(123456)).toBe('123,456');
    expect(formatMetric(896400.7)).toBe('896,401');
    expect(formatMetric(0.0806812)).toBe('0.08068');
    expect(formatMetric(4.338e10 + 0.5)).toBe('43,380,000,001');
  });
});
