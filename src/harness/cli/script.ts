/**
 * Failure handling for the npm-run scripts (bench/, datasets/sanity/), as the CLI does it: a bad argument is one line
 * and exit 2, any later failure one line and exit 1, never a stack trace.
 */

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

/** Ends the script with one line and exit 1 on any error that escapes it (top-level await included). */
export function exitOnError(script: string): void {
  const fatal = (e: unknown) => {
    process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}${script}: error: ${oneLine(e)}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
}
