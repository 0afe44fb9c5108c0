import type { HandlerState, Pred, RequestCtx } from './model.ts';

/**
 * Compiles a condition expression (see datasets/trainticket/topology-schema.ts): alternatives joined by `|`, each a
 * conjunction of terms joined by `&`, a term negated by `!`. Empty: no condition (null).
 */
export function compileCondition(expr: string | undefined): Pred | null {
  if (expr === undefined || expr.trim() === '') return null;
  const alternatives = expr.split('|').map((alt) => alt.split('&').map((t) => compileTerm(t.trim(), expr)));
  if (alternatives.length === 1 && alternatives[0].length === 1) return alternatives[0][0];
  return (h, r) => alternatives.some((terms) => terms.every((p) => p(h, r)));
}

function compileTerm(term: string, expr: string): Pred {
  if (term.startsWith('!')) {
    const p = compileTerm(term.slice(1), expr);
    return (h, r) => !p(h, r);
  }
  const [name, arg] = term.includes('=') ? term.split('=') : term.includes(':') ? term.split(':') : [term, ''];
  switch (name) {
    case 'side':
      return (h) => h.side === arg;
    case 'old':
      return (_h, r) => r.old === arg;
    case 'same':
      return (h, r) => r.old === h.side;
    case 'flag':
      return (_h, r) => r.flags.has(arg);
    case 'item':
      return (h) => h.item !== null && h.item.match;
    case 'first':
      return (h) => h.item !== null && h.item.first;
    case 'ok':
    case 'failed': {
      const bit = 1 << Number(arg);
      if (!(Number(arg) >= 0 && Number(arg) < 31)) break;
      return name === 'ok' ? (h) => (h.made & bit) !== 0 && (h.failed & bit) === 0 : (h) => (h.failed & bit) !== 0;
    }
  }
  throw new Error(`condition "${expr}": unknown term "${term}"`);
}

/** Evaluates a compiled condition (null = always). */
export const holds = (p: Pred | null, h: HandlerState, r: RequestCtx): boolean => p === null || p(h, r);
