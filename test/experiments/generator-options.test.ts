import { describe, expect, it } from 'vitest';
import { GENERATORS } from '../../src/harness/experiments/generators.ts';
import type { DatasetContext } from '../../src/harness/experiments/registry.ts';
import { InputError } from '../../src/lib/util/errors.ts';
import { trainTicketConfig, TRAINTICKET_PRESETS } from '../../datasets/trainticket/simulate.ts';
import { ABANDON } from '../../datasets/trainticket/workload.ts';

const ctx = (options: Record<string, unknown>, quick = true): DatasetContext => ({ seed: 1, quick, options, dataRoot: '.', log: () => {} });
const fingerprint = (name: string, options: Record<string, unknown>, quick = true) => GENERATORS[name].fingerprint(ctx(options, quick));

describe('dataset generator options (declared once per generator)', () => {
  it('rejects an unknown option with the known ones and a suggestion, before any data is simulated', async () => {
    const e = await fingerprint('trainticket', { testSampel: 0.1 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toBe('dataset generator trainticket: unknown option "testSampel" (did you mean "testSample"?) (options: preset, testSample, faultTrain, rtDelayMs, abandon)');
  });

  it('rejects values outside their range, naming the range', async () => {
    await expect(fingerprint('trainticket', { abandon: 1.5 })).rejects.toThrow('option "abandon" must be a number >= 0 and <= 1, found 1.5');
    await expect(fingerprint('trainticket', { rtDelayMs: [3000] })).rejects.toThrow('option "rtDelayMs" must be a list of 2 numbers > 0, found [3000]');
    await expect(fingerprint('trainticket', { preset: 'fast' })).rejects.toThrow('option "preset" must be one of quick, paper, found "fast"');
    await expect(fingerprint('service-2', { testSample: 0 })).rejects.toThrow('dataset generator service-2: option "testSample" must be a number > 0 and <= 1, found 0');
    await expect(fingerprint('two-dim-service', { train: 2.5 })).rejects.toThrow('option "train" must be an integer >= 1, found 2.5');
  });

  it("declares the simulator's own defaults, so options not given leave the data as the preset makes it", () => {
    const rows = Object.fromEntries(Object.entries(GENERATORS.trainticket.options.parse({})));
    expect(rows.rtDelayMs).toEqual(TRAINTICKET_PRESETS.quick.protocol.delayMs);
    expect(rows.abandon).toBe(ABANDON);
    expect(rows.testSample).toBe(1);
  });

  it('puts the open parameters into the simulator configuration and leaves the rest as the preset has it', () => {
    expect(trainTicketConfig('quick', 3)).toEqual({ ...TRAINTICKET_PRESETS.quick, seed: 3 });
    const c = trainTicketConfig('paper', 2, { rtDelayMs: [3000, 30000], abandon: 0 });
    expect([c.protocol.delayMs, c.abandon, c.seed, c.trainTraces]).toEqual([[3000, 30000], 0, 2, TRAINTICKET_PRESETS.paper.trainTraces]);
    expect({ ...c.protocol, delayMs: null }).toEqual({ ...TRAINTICKET_PRESETS.paper.protocol, delayMs: null });
  });

  it('keys the data by the options given and by --quick where no preset is given', async () => {
    const plain = await fingerprint('trainticket', {});
    expect(plain).toContain('"preset":"quick"');
    expect(await fingerprint('trainticket', {}, false)).toContain('"preset":"paper"');
    expect(await fingerprint('trainticket', { preset: 'paper' })).toContain('"preset":"paper"');
    expect(await fingerprint('trainticket', { rtDelayMs: [3000, 30000] })).not.toBe(plain);
  });
});
