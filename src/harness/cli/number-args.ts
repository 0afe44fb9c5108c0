import { UsageError } from './args.ts';
import { parseDecimal } from '../../lib/util/decimal.ts';

/** An integer option at least `min`, or the fallback when absent. */
export function intArg(v: unknown, name: string, fallback: number, min = 1): number {
  if (v === undefined) return fallback;
  const n = typeof v === 'string' ? parseDecimal(v) : NaN;
  if (typeof v !== 'string' || !Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}`);
  return n;
}
