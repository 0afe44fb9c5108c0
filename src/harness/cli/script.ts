/**
 * Failure handling for the npm-run scripts (bench/, datasets/sanity/), as the CLI does it: a bad argument is one line
 * and exit 2, any later failure one line and exit 1, never a stack trace.
 */
import { UsageError } from '../../lib/util/errors.ts';

/** An error's message on one line (a message with line breaks, such as a library's, is joined). */
export function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message || e.name : String(e);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** Parses a script's arguments: an error (an unknown flag, a value out of range) is one line, exit 2. */
export function scriptArgs<T>(script: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    process.stderr.write(`${script}: ${oneLine(e)}\n`);
    process.exit(2);
  }
}

/** A usage error: the project's, or node:util parseArgs' (an unknown flag, a missing value). */
const isUsage = (e: unknown) => e instanceof UsageError || (e instanceof Error && String((e as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS'));

/**
 * Ends the script with one line on any error that escapes it (top-level await included): exit 2 for a usage
 * error, else 1.
 */
export function exitOnError(script: string): void {
  const fatal = (e: unknown) => {
    const usage = isUsage(e);
    process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}${script}: ${usage ? '' : 'error: '}${oneLine(e)}\n`);
    process.exit(usage ? 2 : 1);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
}
