/**
 * Ground-truth root causes as labels give them (`TraceLabel.rootCause`, the `root_cause` column): one or more
 * parts joined by `;`, each a microservice name (`ts-order-service`), an STV dimension id (service + call path,
 * `e(start->a,a->b,b->e)`) or an external service `external:NAME` (not traced; the paper's root cause is then the
 * microservice that calls it, which the label names by its dimension ids when known). The TrainTicket simulator
 * writes the injected service for path faults and the delayed calls' dimension ids for rt faults.
 */
export interface RootCauseTruth {
  /** Microservices named: plain names and the services of the dimension ids. */
  services: string[];
  /** STV dimension ids named. */
  dimensions: string[];
  /** External services named (`external:NAME` -> NAME). */
  external: string[];
}

export function parseRootCause(text: string): RootCauseTruth {
  const t: RootCauseTruth = { services: [], dimensions: [], external: [] };
  for (const raw of text.split(';')) {
    const part = raw.trim();
    if (part === '') continue;
    if (part.startsWith('external:')) t.external.push(part.slice('external:'.length));
    else {
      const paren = part.indexOf('(');
      if (paren > 0 && part.endsWith(')')) {
        t.dimensions.push(part);
        t.services.push(part.slice(0, paren));
      } else t.services.push(part);
    }
  }
  return t;
}

let lastText = '';
let lastTruth: RootCauseTruth = parseRootCause('');
/** `parseRootCause`, remembering the last label (matchers are called once per candidate of a ranking). */
export function rootCauseOf(text: string): RootCauseTruth {
  if (text !== lastText) {
    lastTruth = parseRootCause(text);
    lastText = text;
  }
  return lastTruth;
}

interface Candidate {
  service: string;
  callPath?: string;
}

/**
 * Service level (Table IV's "the injected service"): the candidate names a microservice of the root cause, one of
 * its dimensions, or the external service itself (`NAME` or `external:NAME`).
 */
export function matchesService(c: Candidate, t: RootCauseTruth): boolean {
  if (t.services.includes(c.service)) return true;
  if (c.callPath !== undefined && t.dimensions.includes(c.callPath)) return true;
  return t.external.some((x) => c.service === x || c.service === `external:${x}`);
}

/** Dimension level (the paper's root cause, sec. II-D): the candidate's call path is one of the root cause's dimensions. */
export function matchesDimension(c: Candidate, t: RootCauseTruth): boolean {
  return c.callPath !== undefined && t.dimensions.includes(c.callPath);
}

/** Whether a root cause lies in an external service (Table V's "external service" column). */
export const isExternal = (t: RootCauseTruth): boolean => t.external.length > 0;
