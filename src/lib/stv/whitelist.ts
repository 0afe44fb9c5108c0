import { InputError } from '../util/errors.ts';

/**
 * Call paths validated by developers as new normal behaviour until the next retraining (paper sec. IV-B).
 * JSON: `{"paths": [ids...], "prefixes": [ids...]}` or a plain array of ids (= `paths`).
 * A `paths` entry covers exactly that call path; a `prefixes` entry also covers every call path that extends
 * it (with the paper's prefix call paths, one new call makes every later path of the trace new as well).
 */
export class Whitelist {
  private readonly exact: Set<string>;
  private readonly prefixSteps: string[][];

  constructor(paths: Iterable<string> = [], prefixes: Iterable<string> = []) {
    this.exact = new Set(paths);
    this.prefixSteps = [...prefixes].map((id) => parsePathId(id).path);
  }

  static fromJSON(raw: unknown, source = 'whitelist'): Whitelist {
    const ids = (v: unknown[], k: string): string[] =>
      v.map((id, i) => {
        if (typeof id !== 'string' || id === '') throw new InputError({ file: source }, `${k}[${i}] must be a call path id (a string), found ${JSON.stringify(id)}`);
        return id;
      });
    if (Array.isArray(raw)) return new Whitelist(ids(raw, 'entry'));
    if (typeof raw !== 'object' || raw === null) throw new InputError({ file: source }, 'whitelist must be an array of call path ids or {"paths": [...], "prefixes": [...]}');
    const o = raw as { paths?: unknown; prefixes?: unknown };
    for (const k of Object.keys(o)) if (k !== 'paths' && k !== 'prefixes') throw new InputError({ file: source }, `unknown whitelist key "${k}"`);
    const list = (v: unknown, k: string): string[] => {
      if (v === undefined) return [];
      if (!Array.isArray(v)) throw new InputError({ file: source }, `"${k}" must be an array of call path ids`);
      return ids(v, `"${k}"`);
    };
    const prefixes = list(o.prefixes, 'prefixes');
    for (const p of prefixes) {
      try {
        parsePathId(p);
      } catch (e) {
        throw new InputError({ file: source }, (e as Error).message);
      }
    }
    return new Whitelist(list(o.paths, 'paths'), prefixes);
  }

  get size(): number {
    return this.exact.size + this.prefixSteps.length;
  }

  covers(id: string, path: readonly string[]): boolean {
    if (this.exact.has(id)) return true;
    return this.prefixSteps.some((p) => p.length <= path.length && p.every((s, i) => s === path[i]));
  }
}

/** Splits `svc(a->b,b->c)` into its service and steps (steps may not contain ',' for this to be exact). */
export function parsePathId(id: string): { service: string; path: string[] } {
  const open = id.indexOf('(');
  if (open <= 0 || !id.endsWith(')')) throw new Error(`not a call path id: ${JSON.stringify(id)}`);
  return { service: id.slice(0, open), path: id.slice(open + 1, -1).split(',') };
}

/** `parsePathId`, or null for a string that is not a call path id. */
export function parseWhole(id: string): { service: string; path: string[] } | null {
  try {
    return parsePathId(id);
  } catch {
    return null;
  }
}
