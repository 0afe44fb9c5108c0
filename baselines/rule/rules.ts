import type { AnomalyType } from '../../src/lib/contracts/dataset.ts';
import type { Call, Trace } from '../../src/lib/trace/trace.ts';
import { responseTime } from '../../src/lib/trace/trace.ts';
import { TraceDetector, Violations, type PartitionOptions, type TraceModel, type Verdict } from '../../src/lib/detector/trace-detector.ts';
import { codeMatches, DEFAULT_RULES, type CallMatcher, type RuleSet } from './rule-set.ts';

/**
 * Hard-coded rule (paper secs. V-B, V-D): a trace is anomalous when any of its calls returns a fault code (not
 * listed as normal business for that call) or runs over its fixed timeout. Nothing is learned: `fit` only
 * checks its input. Score = number of rule hits; type = `faultType` for a fault code, `timeoutType` for a
 * timeout (path wins when both fire).
 */
export class RuleDetector extends TraceDetector {
  readonly name = 'rule';
  readonly options: Readonly<RuleSet>;

  constructor(options: Partial<RuleSet> = {}) {
    super();
    this.options = { ...DEFAULT_RULES, ...options };
  }

  get detects(): readonly AnomalyType[] {
    return [...new Set([this.options.faultType, this.options.timeoutType])].sort();
  }

  flags(score: number): boolean {
    return score >= 1;
  }

  protected partitioning(): PartitionOptions {
    return { partition: 'none', unseenEntry: 'anomalous' };
  }

  protected fitModel(): TraceModel {
    return new RuleModel(this.options);
  }
}

const matches = (m: CallMatcher, c: Call): boolean =>
  (m.service === undefined || m.service === '*' || m.service === c.callee) &&
  (m.caller === undefined || m.caller === '*' || m.caller === c.caller) &&
  (m.endpoint === undefined || m.endpoint === '*' || m.endpoint === c.endpoint);

class RuleModel implements TraceModel {
  constructor(private readonly rules: RuleSet) {}

  /** Whether a call's status is a fault under the rules. */
  fault(c: Call): boolean {
    const s = c.status;
    if (s === undefined || !this.rules.faultCodes.some((p) => codeMatches(s, p))) return false;
    return !this.rules.normalCodes.some((e) => matches(e, c) && e.codes.some((p) => codeMatches(s, p)));
  }

  /** The timeout of a call: the first matching override, else the global one. */
  timeout(c: Call): number {
    return this.rules.timeouts.find((t) => matches(t, c))?.ms ?? this.rules.timeoutMs;
  }

  judge(trace: Trace, explain: boolean): Verdict {
    const v = new Violations(explain);
    const { faultType, timeoutType } = this.rules;
    for (const c of trace.calls) {
      if (this.fault(c)) v.add(faultType, 'fault-code', () => `${c.caller} -> ${c.callee}${c.endpoint ? ` ${c.endpoint}` : ''} returned ${c.status}`);
      const rt = responseTime(c);
      const limit = this.timeout(c);
      if (rt > limit) v.add(timeoutType, 'timeout', () => `${c.caller} -> ${c.callee}${c.endpoint ? ` ${c.endpoint}` : ''} took ${rt} ms > ${limit} ms`);
    }
    return v.verdict();
  }
}
