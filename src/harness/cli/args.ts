import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../../lib/util/errors.ts';
import { didYouMean } from '../../lib/util/suggest.ts';

export { UsageError };
export type Options = NonNullable<ParseArgsConfig['options']>;

const flag = (name: string) => (name.length === 1 ? `-${name}` : `--${name}`);

/**
 * Why the arguments do not parse, in this tool's words (Node's own messages quote unevenly and speak of
 * positionals): the first unknown option (with the closest known one), an option missing its value, or a
 * switch given a value.
 */
function argumentProblem(args: string[], options: Options): string {
  const { tokens } = parseArgs({ args, options, allowPositionals: true, strict: false, tokens: true });
  const shorts = new Map(Object.entries(options).flatMap(([long, o]) => (o.short ? [[o.short, long] as const] : [])));
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const name = shorts.get(t.name) ?? t.name;
    const o = options[name];
    if (o === undefined) return `unknown option ${t.rawName}${didYouMean(t.name, Object.keys(options), flag)}`;
    if (o.type === 'boolean' && t.value !== undefined) return `${flag(name)} takes no value (found ${t.rawName}=${t.value})`;
    if (o.type === 'string' && t.value === undefined) return `${flag(name)} needs a value`;
    if (o.type === 'string' && !t.inlineValue && t.value!.startsWith('-')) return `${flag(name)} needs a value, found the option ${t.value} (write ${flag(name)}=${t.value} if that is the value)`;
  }
  return 'the arguments do not parse';
}

/**
 * A hook for the test that checks the commands written in README.md and docs/ (test/docs/commands.test.ts):
 * while `only` is set, parseCommand stops the command as soon as its arguments parse (ArgumentsParsed, which
 * main() turns into exit 0), so a documented command line is checked without running its work.
 */
export const argumentCheck = { only: false };
export class ArgumentsParsed extends Error {}

/** Parses a command's arguments; unknown options and stray arguments are usage errors. Every command takes -h/--help. */
export function parseCommand<O extends Options>(args: string[], options: O, positionals = 0) {
  const all = { ...options, help: { type: 'boolean', short: 'h' } } as O & { help: { type: 'boolean'; short: 'h' } };
  const config = { args, options: all, allowPositionals: true, strict: true } as const;
  let parsed: ReturnType<typeof parseArgs<typeof config>>;
  try {
    parsed = parseArgs(config);
  } catch {
    throw new UsageError(argumentProblem(args, all));
  }
  if (parsed.positionals.length > positionals) throw new UsageError(`unexpected argument: ${parsed.positionals[positionals]}`);
  if (argumentCheck.only && !(parsed.values as { help?: boolean }).help) throw new ArgumentsParsed('the arguments parse');
  return parsed;
}

export function requireString(v: unknown, name: string): string {
  if (typeof v !== 'string' || v === '') throw new UsageError(`missing --${name}`);
  return v;
}

export function oneOf<T extends string>(v: unknown, name: string, allowed: readonly T[], fallback: T): T {
  if (v === undefined) return fallback;
  if (!allowed.includes(v as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}${didYouMean(String(v), allowed)}`);
  return v as T;
}
