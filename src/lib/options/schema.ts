import { z } from 'zod';
import { InputError, unknownOption, UsageError } from '../util/errors.ts';
import { parseDecimal } from '../util/decimal.ts';
import { didYouMean } from '../util/suggest.ts';

/**
 * A method's options, declared once as a zod object: each option's type, allowed range, default and description.
 * The one declaration drives everything that handles options: the experiment-file check (`checkOptions`), the
 * CLI flags and their help (`optionFlags`, `optionsFromFlags`, `optionHelp`) and the docs' option tables
 * (`optionRows`, docs/options.md). Build it with `optionSchema` and the builders below, so that every option has
 * a default (a method runs with no options at all).
 */
export type OptionSchema = z.ZodObject<Record<string, z.ZodDefault<z.ZodType>>, z.core.$strict>;
export type Shape = Record<string, z.ZodDefault<z.ZodType>>;

export { z };

/** The options object a schema describes, every option present (defaults filled in). */
export type OptionsOf<S extends z.ZodType> = z.output<S>;

/** The options a part of a schema (a shape shared by several methods) describes. */
export type OptionsOfShape<S extends Shape> = { [K in keyof S]: z.output<S[K]> };

export function optionSchema<S extends Shape>(shape: S) {
  return z.strictObject(shape);
}

/** What a builder takes besides the default: a description and the CLI flag (kebab-case of the name unless given; false: none). */
export interface OptionDoc {
  doc?: string;
  flag?: string | false;
}

const documented = <T extends z.ZodType>(t: T, d: OptionDoc) => {
  let out: z.ZodType = t;
  if (d.doc !== undefined) out = out.describe(d.doc);
  if (d.flag !== undefined) out = out.meta({ flag: d.flag });
  return out as T;
};

/** An integer option, at least `min` (default 0) and at most `max` when given. */
export function int(def: number, range: { min?: number; max?: number } = {}, d: OptionDoc = {}) {
  let t = z.number().int().min(range.min ?? 0);
  if (range.max !== undefined) t = t.max(range.max);
  return documented(t, d).default(def);
}

/** A number option in the given range (`gt` / `min` below, `lt` / `max` above; none: any finite number). */
export function num(def: number, range: { gt?: number; min?: number; lt?: number; max?: number } = {}, d: OptionDoc = {}) {
  let t = z.number();
  if (range.gt !== undefined) t = t.gt(range.gt);
  if (range.min !== undefined) t = t.min(range.min);
  if (range.lt !== undefined) t = t.lt(range.lt);
  if (range.max !== undefined) t = t.max(range.max);
  return documented(t, d).default(def);
}

export function bool(def: boolean, d: OptionDoc = {}) {
  return documented(z.boolean(), d).default(def);
}

/** One of a fixed list of strings. */
export function choice<const T extends readonly [string, ...string[]]>(values: T, def: T[number], d: OptionDoc = {}) {
  return documented(z.enum(values), d).default(def as never);
}

/** Any string (a name, a pattern). */
export function text(def: string, d: OptionDoc = {}) {
  return documented(z.string(), d).default(def);
}

/** A non-empty list of integers, each at least `min` (default 1): layer widths, window lengths. */
export function intList(def: number[], range: { min?: number } = {}, d: OptionDoc = {}) {
  return documented(z.array(z.number().int().min(range.min ?? 1)).min(1), d).default(def);
}

/** A list of strings (possibly empty). */
export function textList(def: string[], d: OptionDoc = {}) {
  return documented(z.array(z.string()), d).default(def);
}

/** Any other shape (a list of objects, say), checked by the given zod type. */
export function custom<T extends z.ZodType>(type: T, def: z.output<T>, d: OptionDoc = {}) {
  return documented(type, d).default(def as never);
}

/** Every option at its default. */
export function defaultsOf<S extends OptionSchema>(schema: S): OptionsOf<S> {
  return schema.parse({}) as OptionsOf<S>;
}

interface JsonProp {
  type?: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonProp;
  default?: unknown;
  description?: string;
  flag?: string | false;
}

const jsonCache = new WeakMap<OptionSchema, Record<string, JsonProp>>();
function props(schema: OptionSchema): Record<string, JsonProp> {
  let p = jsonCache.get(schema);
  if (p === undefined) {
    p = (z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, JsonProp> }).properties;
    jsonCache.set(schema, p);
  }
  return p;
}

const NO_MAX = Number.MAX_SAFE_INTEGER;
function bounds(p: JsonProp): string {
  const lo = p.exclusiveMinimum !== undefined ? `> ${p.exclusiveMinimum}` : p.minimum !== undefined && p.minimum > -NO_MAX ? `>= ${p.minimum}` : '';
  const hi = p.exclusiveMaximum !== undefined ? `< ${p.exclusiveMaximum}` : p.maximum !== undefined && p.maximum < NO_MAX ? `<= ${p.maximum}` : '';
  return [lo, hi].filter(Boolean).join(' and ');
}

/** What an option allows, in words: "an integer >= 0", "one of heldout, train, crossfit", "a non-empty list of integers >= 1". */
export function allowed(p: JsonProp): string {
  if (p.enum) return `one of ${p.enum.join(', ')}`;
  const b = bounds(p);
  switch (p.type) {
    case 'integer':
      return `an integer${b ? ` ${b}` : ''}`;
    case 'number':
      return `a number${b ? ` ${b}` : ''}`;
    case 'boolean':
      return 'true or false';
    case 'string':
      return 'a string';
    case 'array': {
      if (p.items?.type === 'object' || p.items === undefined) return 'a list of objects of the documented form';
      const item = allowed(p.items).replace(/^an? /, '');
      const plural = item.replace(/^(integer|number|string)/, '$1s').replace(/^one of/, 'values, each one of');
      if (p.minItems !== undefined && p.minItems === p.maxItems) return `a list of ${p.minItems} ${plural}`;
      return `${p.minItems ? 'a non-empty list' : 'a list'} of ${plural}`;
    }
    default:
      return 'a value of the documented form';
  }
}

/**
 * The options given to a method (an experiment file's, say), checked against its schema and completed with the
 * defaults. An unknown option or a value outside its range is an InputError of one line naming the method, the
 * option, what it allows and what was found.
 */
export function checkOptions<S extends OptionSchema>(method: string, schema: S, given: Record<string, unknown>): OptionsOf<S> {
  const known = Object.keys(schema.shape);
  for (const k of Object.keys(given)) if (!known.includes(k)) throw unknownOption(method, k, known);
  const r = schema.safeParse(given);
  if (r.success) return r.data as OptionsOf<S>;
  const key = String(r.error.issues[0].path[0]);
  throw new InputError({}, `${method}: option "${key}" must be ${allowed(props(schema)[key])}, found ${JSON.stringify(given[key])}`);
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The CLI flag of an option (kebab-case of its name unless the schema names another), or undefined for none. */
export function flagOf(schema: OptionSchema, name: string): string | undefined {
  const f = props(schema)[name].flag;
  return f === false ? undefined : (f ?? kebab(name));
}

/** `node:util` parseArgs options for the schema's options (all, or those named). */
export function optionFlags(schema: OptionSchema, names: readonly string[] = Object.keys(schema.shape)): Record<string, { type: 'string' }> {
  const out: Record<string, { type: 'string' }> = {};
  for (const n of names) {
    const f = flagOf(schema, n);
    if (f !== undefined) out[f] = { type: 'string' };
  }
  return out;
}

function fromText(p: JsonProp, v: string): unknown {
  if (p.type === 'integer' || p.type === 'number') return parseDecimal(v);
  if (p.type === 'boolean') return v === 'true' ? true : v === 'false' ? false : v;
  if (p.type === 'array') return v === '' ? [] : v.split(',').map((x) => fromText(p.items ?? {}, x.trim()));
  return v;
}

/**
 * The options set by CLI flags (strings from parseArgs), converted and checked by the schema: a flag's value
 * outside the option's range is a UsageError naming the flag and what it allows. Lists are comma-separated.
 */
export function optionsFromFlags<S extends OptionSchema>(schema: S, values: Record<string, unknown>, names: readonly string[] = Object.keys(schema.shape)): Partial<OptionsOf<S>> {
  const out: Record<string, unknown> = {};
  const p = props(schema);
  for (const n of names) {
    const f = flagOf(schema, n);
    const v = f === undefined ? undefined : values[f];
    if (typeof v !== 'string') continue;
    const value = fromText(p[n], v);
    const r = schema.shape[n].safeParse(value);
    if (!r.success) throw new UsageError(`--${f} must be ${allowed(p[n])}, found ${v}${p[n].enum ? didYouMean(v, p[n].enum) : ''}`);
    out[n] = r.data;
  }
  return out as Partial<OptionsOf<S>>;
}

/** One option, described for help text and docs. */
export interface OptionRow {
  name: string;
  flag?: string;
  allowed: string;
  default: string;
  description: string;
}

const shown = (v: unknown) => (Array.isArray(v) ? (v.length === 0 ? '(none)' : v.join(',')) : typeof v === 'object' ? JSON.stringify(v) : String(v));

export function optionRows(schema: OptionSchema): OptionRow[] {
  const p = props(schema);
  return Object.keys(schema.shape).map((name) => ({
    name,
    ...(flagOf(schema, name) !== undefined ? { flag: `--${flagOf(schema, name)}` } : {}),
    allowed: allowed(p[name]),
    default: shown(p[name].default),
    description: p[name].description ?? '',
  }));
}

/** Help lines for the flags of the named options: `--flow-length K  ...description (an integer >= 0; default 10)`. */
export function optionHelp(schema: OptionSchema, names: readonly string[] = Object.keys(schema.shape)): string {
  const rows = optionRows(schema).filter((r) => r.flag !== undefined && names.includes(r.name));
  const width = Math.max(...rows.map((r) => r.flag!.length));
  return rows.map((r) => `  ${r.flag!.padEnd(width)}  ${r.description ? `${r.description} ` : ''}(${r.allowed}; default ${r.default})`).join('\n');
}
