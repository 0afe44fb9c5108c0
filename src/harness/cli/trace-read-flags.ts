import { DEFAULT_MAX_SPANS_PER_TRACE } from '../../lib/readers/options.ts';
import { intArg } from './number-args.ts';

/** The options of every command that reads traces: `--strict`, `--max-spans-per-trace N`. */
export const TRACE_READ_OPTIONS = {
  strict: { type: 'boolean' },
  'max-spans-per-trace': { type: 'string' },
} as const;

export const MAX_SPANS_HELP = `--strict fails on the first damaged trace instead of skipping it; --max-spans-per-trace skips traces with
  more spans (message logs: calls) than N, default ${DEFAULT_MAX_SPANS_PER_TRACE} (prefix call paths grow with the square of a trace's calls).`;

/** `--strict` and `--max-spans-per-trace` as reader options. */
export function traceReadOptions(o: { strict?: boolean; 'max-spans-per-trace'?: string }): { strict: boolean; maxSpansPerTrace: number } {
  return { strict: Boolean(o.strict), maxSpansPerTrace: intArg(o['max-spans-per-trace'], 'max-spans-per-trace', DEFAULT_MAX_SPANS_PER_TRACE) };
}
