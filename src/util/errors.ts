/** Where in an input a problem was found. */
export interface InputLocation {
  file?: string;
  line?: number;
  traceId?: string;
}

function describe(loc: InputLocation): string {
  const parts: string[] = [];
  if (loc.file !== undefined) parts.push(loc.line !== undefined ? `${loc.file}:${loc.line}` : loc.file);
  else if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.traceId !== undefined) parts.push(`trace ${loc.traceId}`);
  return parts.join(', ');
}

/** Bad input: the message names the file, line and/or trace, then the reason. */
export class InputError extends Error {
  readonly location: InputLocation;
  readonly reason: string;
  constructor(location: InputLocation, reason: string) {
    const where = describe(location);
    super(where ? `${where}: ${reason}` : reason);
    this.name = 'InputError';
    this.location = location;
    this.reason = reason;
  }
}

/** The error for an option a method does not take, listing the ones it does (a typo must not run with defaults). */
export function unknownOption(method: string, option: string, known: readonly string[]): InputError {
  return new InputError({}, `${method}: unknown option "${option}" (options: ${known.join(', ')})`);
}

/** Kinds of per-trace problems: the trace is skipped with a counted warning (or the run fails in strict mode). */
export type TraceIssueKind =
  | 'missing-parent'
  | 'cycle'
  | 'negative-duration'
  | 'invalid-time'
  | 'duplicate-span-id'
  | 'unmatched-message'
  | 'no-calls'
  | 'too-many-spans';

/** A problem that makes one trace unusable. */
export class TraceIssue extends InputError {
  override readonly name = 'TraceIssue';
  constructor(location: InputLocation, readonly kind: TraceIssueKind, reason: string) {
    super(location, reason);
  }
}

/** Collects skipped-trace warnings, counted per kind; rethrows the first one in strict mode. */
export class IssueLog {
  /** The first few issues, for display. */
  readonly examples: TraceIssue[] = [];
  private readonly counts = new Map<TraceIssueKind, number>();
  total = 0;

  constructor(readonly strict = false, private readonly keep = 20) {}

  report(issue: TraceIssue): void {
    if (this.strict) throw issue;
    this.counts.set(issue.kind, (this.counts.get(issue.kind) ?? 0) + 1);
    if (this.examples.length < this.keep) this.examples.push(issue);
    this.total++;
  }

  /** Skipped traces per kind of problem. */
  summary(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** The counts per kind as text: `50 missing-parent, 3 cycle`. */
  counted(): string {
    return [...this.counts].map(([k, v]) => `${v} ${k}`).join(', ');
  }
}
