import { didYouMean } from './suggest.ts';

/** A command used wrongly (an unknown option or name, a missing argument): the CLI exits 2 and shows the usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

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

/** Remembers where each trace id was seen, so that a second trace with one id is an error naming both places. */
export class TraceIds {
  private readonly seen = new Map<string, InputLocation>();

  add(id: string, where: InputLocation): void {
    const before = this.seen.get(id);
    if (before === undefined) {
      this.seen.set(id, where);
      return;
    }
    const first =
      before.file !== where.file ? `the first is in ${describe({ file: before.file, line: before.line })}`
      : before.line !== undefined ? `the first is at line ${before.line}`
      : 'the file is read twice: is it listed twice?';
    throw new InputError({ ...where, traceId: id }, `a second trace with this id (${first})`);
  }
}

/** The error for an option a method does not take, listing the ones it does (a typo must not run with defaults). */
export function unknownOption(method: string, option: string, known: readonly string[]): InputError {
  return new InputError({}, `${method}: unknown option "${option}"${didYouMean(option, known)} (options: ${known.join(', ')})`);
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

/**
 * Collects skipped-trace warnings, counted per kind; rethrows the first one in strict mode. Also counts notes:
 * repairs that keep the trace (identical duplicate span rows dropped), which strict mode does not fail on.
 */
export class IssueLog {
  /** The first few issues, for display. */
  readonly examples: TraceIssue[] = [];
  private readonly counts = new Map<TraceIssueKind, number>();
  total = 0;
  /** Identical duplicate span rows dropped, the traces they were in, and the first such place. */
  readonly repeats = { rows: 0, traces: 0, first: '' };

  /** Notes that `rows` identical copies of span rows were dropped from one trace. */
  repeatedRows(where: InputLocation, rows: number, spanId: string): void {
    if (this.repeats.traces++ === 0) this.repeats.first = `${describe(where)}: span ${spanId}`;
    this.repeats.rows += rows;
  }

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
