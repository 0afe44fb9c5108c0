import { ANOMALY_TYPES, type AnomalyType } from '../../src/lib/contracts/dataset.ts';
import { choice, custom, defaultsOf, num, optionSchema, textList, z, type OptionsOf } from '../../src/lib/options/schema.ts';
import { InputError } from '../../src/lib/util/errors.ts';

/**
 * The hard-coded rules of company S (paper secs. V-B, V-D): rules over the return codes of a trace's calls and
 * fixed timeouts. A call is a fault when its status matches `faultCodes` (a code such as "503" or "error",
 * case-insensitive, or a class such as "5xx"), unless a `normalCodes` entry says that this code is normal
 * business for that call (the paper's rate-limited external API); it is a timeout when its response time at the
 * callee is over `timeoutMs` (2,000 ms in the paper) or over the `timeouts` entry that matches it.
 * A matcher names the callee `service`, and optionally its `caller` and `endpoint`; "*" or absent matches any.
 */
const MATCHER = {
  service: z.string().optional(),
  caller: z.string().optional(),
  endpoint: z.string().optional(),
};

const NORMAL_CODES = z.strictObject({ ...MATCHER, codes: z.array(z.string()), note: z.string().optional() });
const TIMEOUT_OVERRIDE = z.strictObject({ ...MATCHER, ms: z.number().min(0) });

export type CallMatcher = z.output<z.ZodObject<typeof MATCHER>>;
export type NormalCodes = z.output<typeof NORMAL_CODES>;
export type TimeoutOverride = z.output<typeof TIMEOUT_OVERRIDE>;

export const RULE_OPTIONS = optionSchema({
  faultCodes: textList(['5xx', 'error'], { doc: 'Statuses that make a call a fault: a code ("503", "error"; case-insensitive) or a class ("5xx")' }),
  normalCodes: custom(z.array(NORMAL_CODES), [], { doc: 'Codes that are normal business for the matching calls: [{service, caller, endpoint, codes, note}]', flag: false }),
  timeoutMs: num(2000, { min: 0 }, { doc: 'A call is a timeout when its response time at the callee is over this, ms (2,000 in the paper)' }),
  timeouts: custom(z.array(TIMEOUT_OVERRIDE), [], { doc: 'Timeouts of the matching calls instead of timeoutMs (the first match wins): [{service, caller, endpoint, ms}]', flag: false }),
  faultType: choice(ANOMALY_TYPES, 'path', { doc: 'Anomaly type reported for a fault code (a failed call cuts the invocation path short)' }),
  timeoutType: choice(ANOMALY_TYPES, 'rt', { doc: 'Anomaly type reported for a timeout' }),
});

export type RuleSet = OptionsOf<typeof RULE_OPTIONS>;

export const DEFAULT_RULES: RuleSet = defaultsOf(RULE_OPTIONS);

/** Whether a status matches a code pattern ("5xx" = any three-digit code starting with 5). */
export function codeMatches(status: string, pattern: string): boolean {
  const s = status.trim().toLowerCase();
  const p = pattern.trim().toLowerCase();
  if (/^\dxx$/.test(p)) return /^\d{3}$/.test(s) && s[0] === p[0];
  return s === p;
}

const KEYS = Object.keys(RULE_OPTIONS.shape);

/** Validates a rules object (a rules file's JSON); missing keys take the defaults. */
export function parseRules(raw: unknown, source = 'rules'): RuleSet {
  const fail = (reason: string): never => {
    throw new InputError({ file: source }, reason);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('a rules file holds a JSON object');
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) fail(`unknown key "${k}" (expected ${KEYS.join(', ')})`);
  const strings = (v: unknown, where: string): string[] => {
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' || typeof x === 'number')) fail(`${where} must be an array of codes`);
    return (v as unknown[]).map(String);
  };
  const type = (v: unknown, where: string): AnomalyType => {
    if (v !== 'rt' && v !== 'path') fail(`${where} must be "rt" or "path"`);
    return v as AnomalyType;
  };
  const ms = (v: unknown, where: string): number => {
    if (typeof v !== 'number' || !(v >= 0)) fail(`${where} must be a number of milliseconds >= 0`);
    return v as number;
  };
  const matcher = (v: unknown, where: string, extra: string[]): Record<string, unknown> & CallMatcher => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${where} must be an object`);
    const e = v as Record<string, unknown>;
    for (const k of Object.keys(e)) if (!['service', 'caller', 'endpoint', ...extra].includes(k)) fail(`${where}: unknown key "${k}"`);
    for (const k of ['service', 'caller', 'endpoint']) if (e[k] !== undefined && typeof e[k] !== 'string') fail(`${where}.${k} must be a string`);
    return e as Record<string, unknown> & CallMatcher;
  };
  const list = (v: unknown, where: string): unknown[] => {
    if (!Array.isArray(v)) fail(`${where} must be an array`);
    return v as unknown[];
  };
  const rules: RuleSet = { ...DEFAULT_RULES };
  if (o.faultCodes !== undefined) rules.faultCodes = strings(o.faultCodes, 'faultCodes');
  if (o.normalCodes !== undefined) {
    rules.normalCodes = list(o.normalCodes, 'normalCodes').map((v, i) => {
      const e = matcher(v, `normalCodes[${i}]`, ['codes', 'note']);
      const out: NormalCodes = { ...pick(e), codes: strings(e.codes, `normalCodes[${i}].codes`) };
      if (typeof e.note === 'string') out.note = e.note;
      return out;
    });
  }
  if (o.timeoutMs !== undefined) rules.timeoutMs = ms(o.timeoutMs, 'timeoutMs');
  if (o.timeouts !== undefined) {
    rules.timeouts = list(o.timeouts, 'timeouts').map((v, i) => {
      const e = matcher(v, `timeouts[${i}]`, ['ms']);
      return { ...pick(e), ms: ms(e.ms, `timeouts[${i}].ms`) };
    });
  }
  if (o.faultType !== undefined) rules.faultType = type(o.faultType, 'faultType');
  if (o.timeoutType !== undefined) rules.timeoutType = type(o.timeoutType, 'timeoutType');
  return rules;
}

function pick(e: CallMatcher): CallMatcher {
  const m: CallMatcher = {};
  if (e.service !== undefined) m.service = e.service;
  if (e.caller !== undefined) m.caller = e.caller;
  if (e.endpoint !== undefined) m.endpoint = e.endpoint;
  return m;
}
