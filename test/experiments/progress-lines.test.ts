import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Detector, FitHooks } from '../../src/lib/contracts/detector.ts';
import { ExperimentEta, progressHooks, runExperiment } from '../../src/harness/experiments/runner.ts';
import { Registry } from '../../src/harness/experiments/registry.ts';
import { formatDuration, formatMetric } from '../../src/lib/util/progress.ts';
import { tempDir } from '../helpers/files.ts';
import { experiment, tinyEntry, TopSeedDetector } from './fakes.ts';

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

  it('does not repeat a count: a closing line counts as written, so no quiet line follows it with the same count', () => {
    // as in a log of TraceAnomaly's training: a quiet line at 30 s, validation starting just before the next one
    // was due (the closing line), then the end-of-epoch event with the same count and the new validation NLL
    const { lines, stream } = logStream();
    const h = progressHooks(stream);
    for (let t = 0; t <= 59; t++) {
      vi.setSystemTime(t * 1000);
      h.progress!({ phase: 'train', done: t * 10, total: 1000, unit: 'samples', metrics: { epoch: t } });
    }
    vi.setSystemTime(59_500);
    h.progress!({ phase: 'validate', done: 5, total: 10 });
    vi.setSystemTime(61_000);
    h.progress!({ phase: 'train', done: 590, total: 1000, unit: 'samples', metrics: { epoch: 59, validNll: -3 } });
    h.finish();
    const counts = lines.map((l) => /train: (\d+)\//.exec(l)?.[1]);
    expect(counts).toEqual(['300', '590']);
    // and a closing line that would show exactly the last quiet line again is left out
    const b = logStream();
    const g = progressHooks(b.stream);
    for (let t = 0; t <= 30; t++) {
      vi.setSystemTime(t * 1000);
      if (t < 30) g.progress!({ phase: 'score', done: t, total: 100 });
    }
    g.progress!({ phase: 'score', done: 30, total: 100 });
    vi.setSystemTime(40_000);
    g.finish();
    expect(b.lines).toHaveLength(1);
  });

  it('prefixes every line of a cell with the cell', () => {
    const { lines, stream } = logStream();
    const h = progressHooks(stream, '[3/10 DeepLog*]');
    for (let t = 0; t <= 31; t++) {
      vi.setSystemTime(t * 1000);
      h.progress!({ phase: 'train', done: t, total: 100 });
    }
    h.warn!('a warning');
    expect(lines).toEqual(['    [3/10 DeepLog*] train: 30/100 items, 1.00 items/s, ETA 1m10s, 30.0s', '    [3/10 DeepLog*] warning: a warning']);
  });
});

describe('durations', () => {
  it('rounds once, to the last unit shown, then splits: never 2m60s', () => {
    expect(formatDuration(12.34)).toBe('12.3s');
    expect(formatDuration(59.97)).toBe('1m0s');
    expect(formatDuration(125)).toBe('2m5s');
    expect(formatDuration(179.6)).toBe('3m0s');
    expect(formatDuration(1199.7)).toBe('20m0s');
    expect(formatDuration(3599.7)).toBe('1h0m');
    expect(formatDuration(7140)).toBe('1h59m');
    expect(formatDuration(7170)).toBe('2h0m');
  });
});

describe("the experiment's log", () => {
  beforeEach(() => vi.useFakeTimers({ now: 0, toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  it('estimates the time left from finished cells, per unit of estimated cost (hand-computed)', () => {
    const eta = new ExperimentEta(1 + 100 + 100 + 1);
    expect(eta.remainingSec()).toBeNull();
    eta.finished(1, 2); // 2 s per unit; 201 units left
    expect(eta.remainingSec()).toBe(402);
    eta.finished(100, 100); // 102 s for 101 units; 101 units left
    expect(eta.remainingSec()).toBeCloseTo(102, 12);
  });

  it('heads each cell when it starts, before its progress lines, with the ETA of the experiment from the second on', async () => {
    // every cell takes 40 s of (fake) time, with progress events at 0, 35 and 40 s
    const method = {
      kind: 'detection' as const,
      name: 'slow',
      description: 'test detector that reports progress',
      version: '1',
      cost: () => 1,
      create: ({ seed, options }: { seed: number; options: Record<string, unknown> }) => {
        const fit = async (_data: unknown, hooks?: FitHooks) => {
          for (const t of [0, 35, 40]) {
            vi.setSystemTime(Date.now() + (t === 0 ? 0 : t === 35 ? 35_000 : 5_000));
            hooks?.progress?.({ phase: 'train', done: t, total: 40, unit: 'steps' });
          }
        };
        return Object.assign(new TopSeedDetector(seed, options), { fit }) as Detector;
      },
    };
    const lines: string[] = [];
    const stream = { isTTY: false, write: (s: string) => (lines.push(...s.split('\n').filter((l) => l !== '')), true) } as unknown as NodeJS.WriteStream;
    const registry = new Registry().addDataset(tinyEntry()).addMethod(method);
    await runExperiment(experiment({ methods: [{ method: 'slow', label: 'Slow' }] }), { registry, outDir: tempDir(), log: (l) => lines.push(l), progressStream: stream });
    const cellLines = lines.filter((l) => /^\s*\[\d/.test(l) || /loading/.test(l));
    expect(cellLines).toEqual([
      '[1/3] Slow on tiny, seed 1',
      '    loading dataset tiny',
      '    [1/3 Slow] train: 35/40 steps, 1.00 steps/s, ETA 5.0s, 35.0s',
      '    [1/3 Slow] train: 40/40 steps, 1.00 steps/s, 40.0s',
      expect.stringMatching(/^\[1\/3\] Slow on tiny, seed 1: P 1\.000 R 0\.500 /),
      '[2/3] Slow on tiny, seed 2 (experiment ETA 1m20s, from 1 finished cell)',
      '    [2/3 Slow] train: 35/40 steps, 1.00 steps/s, ETA 5.0s, 35.0s',
      '    [2/3 Slow] train: 40/40 steps, 1.00 steps/s, 40.0s',
      expect.stringMatching(/^\[2\/3\] Slow on tiny, seed 2: P /),
      '[3/3] Slow on tiny, seed 3 (experiment ETA 40.0s, from 2 finished cells)',
      '    [3/3 Slow] train: 35/40 steps, 1.00 steps/s, ETA 5.0s, 35.0s',
      '    [3/3 Slow] train: 40/40 steps, 1.00 steps/s, 40.0s',
      expect.stringMatching(/^\[3\/3\] Slow on tiny, seed 3: P /),
    ]);
  });
});

