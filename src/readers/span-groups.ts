import type { Trace } from '../trace/trace.ts';
import type { Span } from '../trace/span.ts';
import { spansToTrace } from '../trace/spans-to-calls.ts';
import { TraceIssue, type IssueLog } from '../util/errors.ts';

/**
 * Collects spans of formats that do not group them by trace (Zipkin, OTLP, span tables) and turns each
 * group into a trace at the end, in order of first appearance. Memory grows with the spans kept.
 */
export class SpanGroups {
  private readonly groups = new Map<string, { spans: Span[]; line: number }>();

  constructor(private readonly file: string) {}

  add(traceId: string, span: Span, line: number): void {
    let g = this.groups.get(traceId);
    if (g === undefined) {
      g = { spans: [], line };
      this.groups.set(traceId, g);
    }
    g.spans.push(span);
  }

  *traces(issues: IssueLog): Generator<Trace> {
    for (const [traceId, g] of this.groups) {
      this.groups.delete(traceId);
      try {
        yield spansToTrace(traceId, g.spans, { file: this.file, line: g.line });
      } catch (e) {
        if (e instanceof TraceIssue) issues.report(e);
        else throw e;
      }
    }
  }
}
