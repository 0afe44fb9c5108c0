const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A number written in decimal, as CSV and JSON files write them; NaN for anything else. Number() alone also
 * takes hex (0x5a7a3b8c), binary, octal, "Infinity" and blank text, which in a trace export are damage, not
 * numbers. A decimal too large for a double (1e400) gives Infinity: callers check the range they need.
 */
export function parseDecimal(text: string): number {
  const t = text.trim();
  return DECIMAL.test(t) ? Number(t) : NaN;
}
