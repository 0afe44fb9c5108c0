import { InputError, unknownOption } from '../../src/util/errors.ts';

/**
 * Options for a method, checked against its defaults: an unknown option, or a value of another type than the
 * default's, is an input error (a typo in an experiment file must not run silently with defaults).
 */
export function checkOptions(name: string, defaults: object, options: Record<string, unknown>): void {
  const d = defaults as Record<string, unknown>;
  for (const [k, v] of Object.entries(options)) {
    if (!(k in d)) throw unknownOption(name, k, Object.keys(d));
    const want = d[k];
    if (Array.isArray(want) ? !Array.isArray(v) : typeof v !== typeof want) throw new InputError({}, `${name}: option "${k}" must be ${Array.isArray(want) ? 'an array' : `a ${typeof want}`}`);
  }
}

/** A string option must be one of `choices` (an InputError naming them otherwise). */
export function checkChoice(name: string, option: string, value: unknown, choices: readonly string[]): void {
  if (!choices.includes(value as string)) throw new InputError({}, `${name}: option "${option}" must be one of ${choices.map((c) => `"${c}"`).join(', ')}, not ${JSON.stringify(value)}`);
}

/** An input error unless every value is a positive integer, or a non-empty list of them (widths, lengths, counts). */
export function requirePositiveIntegers(name: string, values: Record<string, number | readonly number[]>): void {
  for (const [k, v] of Object.entries(values)) {
    const list = typeof v === 'number' ? [v] : v;
    if (list.length === 0 || !list.every((x) => Number.isInteger(x) && x >= 1)) {
      throw new InputError({}, `${name}: option "${k}" must be ${typeof v === 'number' ? 'a positive integer' : 'a non-empty list of positive integers'}, not ${JSON.stringify(v)}`);
    }
  }
}
