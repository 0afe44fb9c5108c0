import type { Call } from '../trace/trace.ts';

/** What one step of a call path names: the callee microservice (as in the paper), or also its endpoint. */
export const EDGE_LABELS = ['service', 'endpoint'] as const;
export type EdgeLabel = (typeof EDGE_LABELS)[number];

const NAME_SPACE = 2 ** 21;

/**
 * Interns the steps of call paths ("a->b", or "a->b:GET /x" with endpoints) as small integers, with a
 * numeric fast path for calls so that encoding does not build strings.
 */
export class EdgeCatalog {
  private readonly nameIds = new Map<string, number>();
  private readonly pairToEdge = new Map<number, number>();
  private readonly labelToEdge = new Map<string, number>();
  readonly labels: string[] = [];

  constructor(readonly edgeLabel: EdgeLabel) {}

  private calleeName(call: Call): string {
    return this.edgeLabel === 'endpoint' && call.endpoint !== undefined ? `${call.callee}:${call.endpoint}` : call.callee;
  }

  private nameId(name: string, create: boolean): number {
    let id = this.nameIds.get(name);
    if (id === undefined) {
      if (!create) return -1;
      id = this.nameIds.size;
      if (id >= NAME_SPACE) throw new Error('too many distinct service names');
      this.nameIds.set(name, id);
    }
    return id;
  }

  /** The edge id of a call; -1 when unknown and `create` is false. */
  edgeOf(call: Call, create: boolean): number {
    const a = this.nameId(call.caller, create);
    if (a < 0) return -1;
    const b = this.nameId(this.calleeName(call), create);
    if (b < 0) return -1;
    const key = a * NAME_SPACE + b;
    const e = this.pairToEdge.get(key);
    if (e !== undefined) return e;
    if (!create) return -1;
    return this.register(this.labelOf(call), key);
  }

  /** The edge id of a label "caller->callee[:endpoint]" (used when loading a saved call path list). */
  edgeOfLabel(label: string): number {
    const e = this.labelToEdge.get(label);
    if (e !== undefined) return e;
    const arrow = label.indexOf('->');
    if (arrow <= 0) throw new Error(`bad call path step "${label}"`);
    const caller = label.slice(0, arrow);
    const callee = label.slice(arrow + 2);
    const key = this.nameId(caller, true) * NAME_SPACE + this.nameId(callee, true);
    return this.register(label, key);
  }

  /** The label of a call's step, for calls whose edge is unknown. */
  labelOf(call: Call): string {
    return `${call.caller}->${this.calleeName(call)}`;
  }

  private register(label: string, key: number): number {
    const id = this.labels.length;
    this.labels.push(label);
    this.pairToEdge.set(key, id);
    this.labelToEdge.set(label, id);
    return id;
  }
}
