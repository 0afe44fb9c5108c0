import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { RuleDetector } from '../../../baselines/rule/rules.ts';
import { codeMatches, DEFAULT_RULES, parseRules, RULE_OPTIONS } from '../../../baselines/rule/rule-set.ts';
import { readJsonFile } from '../../../src/harness/inputs/load-input.ts';

/** A rules file as the harness reads one (methods do no file I/O). */
const readRulesFile = async (file: string) => parseRules(await readJsonFile(file), file);
import { checkOptions, defaultsOf } from '../../../src/lib/options/schema.ts';
import { treeTrace, type CallNode } from '../../helpers/test-traces.ts';
import { tempFile } from '../../helpers/files.ts';
import type { Trace } from '../../../src/lib/trace/trace.ts';

const ok: CallNode = { svc: 'a', status: '200', children: [{ svc: 'b', status: '200' }, { svc: 'ext', status: '200' }] };
const withB = (b: CallNode): Trace => treeTrace('t', { ...ok, children: [b, { svc: 'ext', status: '200' }] });

async function run(det: RuleDetector, traces: Trace[]) {
  await det.fit({ traces });
  const scores = await det.score({ traces });
  return { flagged: [...det.decide(scores)], types: await det.anomalyTypes({ traces }), scores: [...scores] };
}

describe('hard-coded rule', () => {
  it('passes a trace of successful, fast calls', async () => {
    expect((await run(new RuleDetector(), [treeTrace('ok', ok)])).flagged).toEqual([0]);
  });

  it('flags a fault code (any 5xx, or "error") as a path anomaly', async () => {
    const r = await run(new RuleDetector(), [withB({ svc: 'b', status: '503' }), withB({ svc: 'b', status: 'ERROR' }), withB({ svc: 'b', status: '404' })]);
    expect(r.flagged).toEqual([1, 1, 0]);
    expect(r.types).toEqual(['path', 'path', null]);
  });

  it('flags a call over 2,000 ms as an rt anomaly (and its caller too: both run over)', async () => {
    const det = new RuleDetector();
    const slow = withB({ svc: 'b', status: '200', self: 1100 }); // b's response time: 2 x 1100 ms
    const r = await run(det, [slow]);
    expect(r.flagged).toEqual([1]);
    expect(r.types).toEqual(['rt']);
    expect(r.scores).toEqual([2]);
    expect(det.explain({ traces: [slow] })[0].reasons!.map((x) => x.detail)).toEqual([
      'start -> a took 2210 ms > 2000 ms', // a: 2 + b 2200 + 1 + ext 4 + 1 + 2
      'a -> b took 2200 ms > 2000 ms',
    ]);
    // b: 2 x 995 ms; a: 2 + 1990 + 1 + 4 + 1 + 2 = exactly 2,000 ms, which is not over the limit
    expect((await run(det, [withB({ svc: 'b', status: '200', self: 995 })])).flagged).toEqual([0]);
  });

  it('codes listed as normal business for a call do not count (the rate-limited external API)', async () => {
    const limited = treeTrace('rl', { ...ok, children: [{ svc: 'b', status: '200' }, { svc: 'ext', status: '503' }] });
    const det = new RuleDetector({ normalCodes: [{ service: 'ext', codes: ['503'] }] });
    expect((await run(det, [limited])).flagged).toEqual([0]);
    expect((await run(new RuleDetector(), [limited])).flagged).toEqual([1]);
    // the exception is specific to that service
    expect((await run(det, [withB({ svc: 'b', status: '503' })])).flagged).toEqual([1]);
  });

  it('per-service timeouts override the global one; a fault and a timeout together are typed path', async () => {
    const det = new RuleDetector({ timeouts: [{ service: 'b', ms: 50 }], timeoutMs: 5000 });
    const r = await run(det, [withB({ svc: 'b', status: '200', self: 30 }), withB({ svc: 'b', status: '500', self: 30 })]);
    expect(r.flagged).toEqual([1, 1]);
    expect(r.types).toEqual(['rt', 'path']);
  });

  it('code patterns: classes and exact codes, case-insensitive', () => {
    expect(codeMatches('502', '5xx')).toBe(true);
    expect(codeMatches('5', '5xx')).toBe(false);
    expect(codeMatches('Error', 'error')).toBe(true);
    expect(codeMatches('429', '4xx')).toBe(true);
  });

  it('reads a rules file; defaults fill missing keys; bad files name the problem', async () => {
    const example = await readRulesFile(fileURLToPath(new URL('../../../baselines/rule/example-rules.json', import.meta.url)));
    expect(example.normalCodes[0]).toMatchObject({ service: 'ts-external-api', codes: ['429', '503'] });
    expect(parseRules({ timeoutMs: 1000 })).toEqual({ ...DEFAULT_RULES, timeoutMs: 1000 });
    expect(() => parseRules({ timeout: 1000 }, 'r.json')).toThrow(/r\.json: unknown key "timeout"/);
    expect(() => parseRules({ timeouts: [{ service: 'b' }] }, 'r.json')).toThrow(/timeouts\[0\]\.ms must be a number/);
    expect(() => parseRules({ faultType: 'slow' }, 'r.json')).toThrow(/faultType must be "rt" or "path"/);
    await expect(readRulesFile(tempFile('bad.json', '{"faultCodes": ['))).rejects.toThrow(/bad\.json: invalid JSON/);
  });
});

describe('hard-coded rule options', () => {
  it('checks ranges, naming the option and what it allows', () => {
    expect(() => checkOptions('rule', RULE_OPTIONS, { timeoutMs: -1 })).toThrow('rule: option "timeoutMs" must be a number >= 0, found -1');
    expect(() => checkOptions('rule', RULE_OPTIONS, { faultType: 'slow' })).toThrow(/"faultType" must be one of rt, path/);
    expect(() => checkOptions('rule', RULE_OPTIONS, { timeouts: [{ service: 'b' }] })).toThrow(/option "timeouts"/);
    expect(() => checkOptions('rule', RULE_OPTIONS, { timeouts: [{ servce: 'b', ms: 5 }] })).toThrow(/option "timeouts"/);
    expect(checkOptions('rule', RULE_OPTIONS, { timeouts: [{ service: 'b', ms: 50 }] }).timeouts).toEqual([{ service: 'b', ms: 50 }]);
  });

  it('defaults are the old ones, in the same order', () => {
    const old = { faultCodes: ['5xx', 'error'], normalCodes: [], timeoutMs: 2000, timeouts: [], faultType: 'path', timeoutType: 'rt' };
    expect(defaultsOf(RULE_OPTIONS)).toStrictEqual(old);
    expect(Object.keys(DEFAULT_RULES)).toEqual(Object.keys(old));
  });

  it('the example rules file holds valid options', async () => {
    const example = await readRulesFile(fileURLToPath(new URL('../../../baselines/rule/example-rules.json', import.meta.url)));
    expect(checkOptions('rule', RULE_OPTIONS, { ...example })).toEqual(example);
  });
});
