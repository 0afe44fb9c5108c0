import { InputError, type InputLocation } from '../util/errors.ts';
import { parseDecimal } from '../util/decimal.ts';

/** Field readers for parsed JSON that fail with the location and the field's name. */
export function asObject(v: unknown, where: InputLocation, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InputError(where, `${what} is not a JSON object`);
  return v as Record<string, unknown>;
}

/** An array, or [] when absent (undefined or null). */
export function asArray(v: unknown, where: InputLocation, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new InputError(where, `${what} is not a JSON array`);
  return v;
}

export function asString(v: unknown, where: InputLocation, what: string): string {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  throw new InputError(where, `${what} is missing or not a string`);
}

/**
 * A number, or a string holding one in decimal (OTLP/JSON writes 64-bit integers as strings). A JSON number too
 * large for a double (1e400) arrives as Infinity: the trace is then damaged, which spansToTrace finds.
 */
export function asNumber(v: unknown, where: InputLocation, what: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? parseDecimal(v) : NaN;
  if (Number.isNaN(n)) throw new InputError(where, `${what} is not a number: ${JSON.stringify(v)}`);
  return n;
}

/**
 * Nanoseconds since the epoch, as a number or a decimal string, to milliseconds without losing precision
 * (epoch nanoseconds exceed 2^53).
 */
export function nanosToMillis(v: unknown, where: InputLocation, what: string): number {
  return (typeof v === 'string' ? decimalNanosToMillis(v) : undefined) ?? asNumber(v, where, what) / 1e6;
}

/** A decimal string of nanoseconds to milliseconds, exact to the nanosecond; undefined if not all digits. */
export function decimalNanosToMillis(v: string): number | undefined {
  if (!/^\d+$/.test(v)) return undefined;
  return v.length <= 6 ? Number(v) / 1e6 : Number(v.slice(0, -6)) + Number(v.slice(-6)) / 1e6;
}
