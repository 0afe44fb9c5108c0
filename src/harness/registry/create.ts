import type { Detector } from '../../lib/contracts/detector.ts';
import type { Localizer } from '../../lib/contracts/localizer.ts';
import type { MethodDefinition } from '../../lib/contracts/method.ts';
import { checkOptions } from '../../lib/options/schema.ts';
import { InputError } from '../../lib/util/errors.ts';
import { didYouMean } from '../../lib/util/suggest.ts';
import { METHODS, methodDefinition } from './methods.ts';

/** A method's definition by name; an unknown name is an input error naming the closest known one. */
export function requireMethod(name: string, kind?: MethodDefinition['kind']): MethodDefinition {
  const def = methodDefinition(name);
  if (def === undefined || (kind !== undefined && def.kind !== kind)) {
    const known = METHODS.filter((m) => kind === undefined || m.kind === kind).map((m) => m.name);
    throw new InputError({}, `unknown ${kind === 'localization' ? 'localiser' : 'method'} "${name}"${didYouMean(name, known)} (known: ${known.join(', ')})`);
  }
  return def;
}

/**
 * A method's complete options: the given ones checked against its schema, defaults filled in, and for a seeded
 * method the cell's `seed` (when given) in place of its `seed` option.
 */
export function methodOptions(def: MethodDefinition, options: Record<string, unknown>, seed?: number): Record<string, unknown> {
  const o = checkOptions(def.name, def.options, options) as Record<string, unknown>;
  return def.seeded && seed !== undefined ? { ...o, seed } : o;
}

export function createDetector(name: string, options: Record<string, unknown> = {}, seed?: number): Detector {
  const def = requireMethod(name, 'detection');
  if (def.kind !== 'detection') throw new Error('unreachable');
  return def.create(methodOptions(def, options, seed) as never);
}

export function createLocalizer(name: string, options: Record<string, unknown> = {}, seed?: number): Localizer {
  const def = requireMethod(name, 'localization');
  if (def.kind !== 'localization') throw new Error('unreachable');
  return def.create(methodOptions(def, options, seed) as never);
}
