import type { Trace } from '../trace/trace.ts';
import type { Span } from '../trace/span.ts';
import { spansToTrace } from '../trace/spans-to-calls.ts';
import { TraceIssue, type IssueLog } from '../util/errors.ts';
import { tooManySpans } from './options.ts';

/**
 * Collects spans of formats that do not group them by trace (Zipkin, OTLP, span tables) and turns each
 * group into a trace at the end, in order of first appearance. Memory grows with the spans kept; a trace past
 * `maxSpans` keeps only its count from then on, and is skipped as `too-many-spans`.
 */
export class SpanGroups {
  private readonly groups = new Map<string, { spans: Span[]; line: number; count: number }>();

  constructor(private readonly file: string, private readonly maxSpans: number) {}

  add(traceId: string, span: Span, line: number): void {
    let g = this.groups.get(traceId);
    if (g === undefined) {
      g = { spans: [], line, count: 0 };
      this.groups.set(traceId, g);
    }
    if (++g.count <= this.maxSpans) g.spans.push(span);
    else if (g.spans.length > 0) g.spans = [];
  }

  *traces(issues: IssueLog): Generator<Trace> {
    for (const [traceId, g] of this.groups) {
      this.groups.delete(traceId);
      const where = { file: this.file, line: g.line };
      try {
        if (g.count > this.maxSpans) throw tooManySpans({ ...where, traceId }, g.count, this.maxSpans);
        yield spansToTrace(traceId, g.spans, where, issues);
      } catch (e) {
        if (e instanceof TraceIssue) issues.report(e);
        else throw e;
      }
    }
  }
}
