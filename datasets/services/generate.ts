import { unitHash } from '../../src/lib/util/hash.ts';
import { Random } from '../../src/lib/util/random.ts';
import { podName } from '../sim/ids.ts';
import type { CallStep, Endpoint } from '../sim/model.ts';
import { hashedScale, type WorkParams } from '../sim/timing.ts';
import type { ServiceSpec } from './table1.ts';

/**
 * A company-S-like service (paper Table I): `microservices` microservices whose traces take `structures` distinct
 * shapes (call-graph structures) that together have `dimensions` prefix call paths (STV dimensions).
 *
 * Construction: the structures are grown as a trie of call sequences. The first is a chain from the entry
 * microservice; each next one branches off a random existing prefix with a few new calls (so the trie gains
 * `dimensions / structures` nodes per structure on average, and every node is one STV dimension). A new call is made
 * by a microservice on the current call stack (deeper, or back up the chain) to a microservice not on the stack: a
 * new one while microservices remain to be placed, else a popular shared one. Siblings never repeat a step, so each
 * trie node is a distinct call path. Each structure then becomes a template call tree that the engine expands with
 * the shared timing model; structures are requested with Zipf-like popularity.
 *
 * A few microservices call untraced external services (their latency is part of the microservice's own time), one of
 * them a rate-limited API whose fault code is normal business (paper sec. V-D). The construction depends only on the
 * spec (and `topologySeed`), not on the run's seed: seeds give different days of the same service.
 */
export interface SyntheticService {
  spec: ServiceSpec;
  microservices: string[];
  templates: Template[];
  /** External services: name -> the microservice that calls it. */
  externals: Map<string, string>;
  /** The microservice whose external API is rate limited. */
  rateLimited: string;
}

export interface Template {
  entry: Endpoint;
  /** Request share (sums to 1 over the templates). */
  weight: number;
  /** Microservices the template reaches. */
  services: ReadonlySet<string>;
  calls: number;
}

interface TrieNode {
  caller: number;
  callee: number;
  /** Microservices on the call stack after this call (entry first, the callee last). */
  stack: number[];
  children: TrieNode[];
  terminal: boolean;
  depth: number;
}

const WORDS = [
  'account', 'auth', 'card', 'risk', 'limit', 'ledger', 'customer', 'notify', 'audit', 'config', 'cache', 'profile',
  'rate', 'fee', 'loan', 'repay', 'balance', 'channel', 'device', 'session', 'token', 'kyc', 'credit', 'query', 'route',
  'txn', 'statement', 'product', 'pricing', 'branch', 'fx', 'deposit', 'clearing', 'quota', 'user', 'message',
];
const ROLES = ['service', 'query', 'core', 'adapter', 'engine', 'store', 'api', 'agent', 'center', 'check'];
const EXTERNALS = ['ext-bank-core', 'ext-credit-bureau', 'ext-id-verification', 'ext-sms-gateway', 'ext-payment-network', 'ext-fx-quotes'];
export const RATE_LIMITED_API = 'ext-rate-limited-api';

function microserviceName(prefix: string, i: number): string {
  const w = WORDS[i % WORDS.length];
  const r = ROLES[Math.floor(i / WORDS.length) % ROLES.length];
  const round = Math.floor(i / (WORDS.length * ROLES.length));
  return `${prefix}-${w}-${r}${round > 0 ? `-${round + 1}` : ''}`;
}

/** Builds the trie of call sequences with exactly `dimensions` nodes, `structures` terminals, `microservices` callees. */
function growTrie(spec: ServiceSpec, rng: Random): { root: TrieNode; nodes: TrieNode[] } {
  const { dimensions: D, structures: G, microservices: M } = spec;
  if (!(M <= D && G <= D && G >= 1)) throw new Error(`${spec.name}: needs microservices <= dimensions and 1 <= structures <= dimensions`);
  const nodes: TrieNode[] = [];
  let used = 1; // microservice 0 is the entry
  const popularity: number[] = [1];
  const pickShared = (avoid: number[]): number => {
    // a microservice already placed, popular ones (shared infrastructure) more often
    for (let tries = 0; tries < 50; tries++) {
      let u = rng.next() * popularity.reduce((a, b) => a + b, 0);
      let k = 0;
      while (k < popularity.length - 1 && (u -= popularity[k]) >= 0) k++;
      if (!avoid.includes(k)) return k;
    }
    return -1;
  };
  const root: TrieNode = { caller: -1, callee: 0, stack: [0], children: [], terminal: false, depth: 1 };
  nodes.push(root);
  const extend = (base: TrieNode, remainingNodes: number): TrieNode | null => {
    // the caller: the last callee (deeper) or one of its callers (back up the chain)
    const deeper = base.stack.length < 7 && rng.next() < 0.55;
    const callerPos = deeper ? base.stack.length - 1 : rng.int(base.stack.length);
    const stack = base.stack.slice(0, callerPos + 1);
    const caller = stack[callerPos];
    const needNew = M - used;
    let callee = -1;
    if (needNew > 0 && rng.next() < needNew / Math.max(1, remainingNodes)) callee = used;
    for (let tries = 0; callee < 0 || base.children.some((c) => c.caller === caller && c.callee === callee); tries++) {
      if (tries > 20) {
        if (needNew <= 0) return null;
        callee = used;
        break;
      }
      callee = pickShared(stack);
    }
    if (callee === used) {
      used++;
      popularity.push(unitHash(`${spec.name}/pop/${callee}`) < 0.1 ? 8 : 1);
    } else popularity[callee] += 1;
    const node: TrieNode = { caller, callee, stack: [...stack, callee], children: [], terminal: false, depth: base.depth + 1 };
    base.children.push(node);
    nodes.push(node);
    return node;
  };
  // the first structure: a chain
  let remaining = D - 1;
  let tip = root;
  const firstLen = Math.min(remaining - (G - 1), 2 + rng.int(4));
  for (let i = 0; i < firstLen; i++) {
    tip = extend(tip, remaining) ?? tip;
    remaining = D - nodes.length;
  }
  tip.terminal = true;
  for (let s = 1; s < G; s++) {
    const branchesLeft = G - s;
    remaining = D - nodes.length;
    const mean = remaining / branchesLeft;
    let k = s === G - 1 ? remaining : Math.max(1, Math.min(remaining - (branchesLeft - 1), Math.round(mean + (rng.next() - 0.5) * 2 * Math.min(mean - 1, 2))));
    let base = nodes[rng.int(nodes.length)];
    while (k > 0) {
      const next = extend(base, D - nodes.length);
      if (next === null) {
        base = nodes[rng.int(nodes.length)];
        continue;
      }
      base = next;
      k--;
    }
    if (base.terminal) throw new Error('internal: a structure ended on an existing terminal');
    base.terminal = true;
  }
  if (used !== M) throw new Error(`${spec.name}: placed ${used} of ${M} microservices`);
  return { root, nodes };
}

const LOGIC: Omit<WorkParams, 'tailP' | 'tailAlpha'> = { floor: 1.0, pre: 0.6, post: 0.8, sigma: 0.5 };
const READ: Omit<WorkParams, 'tailP' | 'tailAlpha'> = { floor: 0.4, pre: 2.5, post: 0, sigma: 0.5 };
const WRITE: Omit<WorkParams, 'tailP' | 'tailAlpha'> = { floor: 1.0, pre: 6, post: 0, sigma: 0.5 };
const TAIL = { tailP: 0.015, tailAlpha: 1.7 };

export function generateService(spec: ServiceSpec, topologySeed = 1): SyntheticService {
  const rng = new Random((topologySeed * 7919 + spec.microservices * 31 + spec.dimensions) >>> 0);
  const { root, nodes } = growTrie(spec, rng);
  const prefix = spec.name.replace('service-', 's');
  const names = Array.from({ length: spec.microservices }, (_, i) => microserviceName(prefix, i));
  const calls = new Set(nodes.filter((n) => n.caller >= 0).map((n) => n.caller));
  // external dependencies: a few leaf-ish microservices, plus the rate-limited API
  const externals = new Map<string, string>();
  const candidates = names.map((_, i) => i).filter((i) => i > 0 && !calls.has(i));
  const pool = candidates.length > 0 ? candidates : names.map((_, i) => i).slice(1);
  const extCount = Math.min(EXTERNALS.length, Math.max(2, Math.round(spec.microservices / 40)));
  for (let e = 0; e < extCount; e++) externals.set(EXTERNALS[e], names[pool[Math.floor(unitHash(`${spec.name}/ext/${e}`) * pool.length)]]);
  const rateLimited = names[pool[Math.floor(unitHash(`${spec.name}/ratelimit`) * pool.length)]];
  externals.set(RATE_LIMITED_API, rateLimited);
  const externalOf = new Map([...externals].map(([ext, svc]) => [svc, ext]));

  const workOf = (i: number, op: string): WorkParams => {
    const base = calls.has(i) ? LOGIC : unitHash(`${spec.name}/rw/${i}`) < 0.7 ? READ : WRITE;
    const k = hashedScale(`${spec.name}/work/${op}`, 0.7, 1.5);
    const ext = externalOf.get(names[i]);
    // an external call (20-120 ms) is part of the microservice's own time
    const extra = ext === undefined ? 0 : hashedScale(`${spec.name}/extlat/${ext}`, 20, 120);
    return { ...base, pre: base.pre * k + extra, post: base.post * k, ...TAIL };
  };
  const operationOf = (i: number, node: TrieNode): string => {
    const ops = 1 + Math.floor(unitHash(`${spec.name}/ops/${i}`) * 3);
    const k = Math.floor(unitHash(`${spec.name}/op/${node.caller}/${node.depth}`) * ops);
    return `${unitHash(`${spec.name}/verb/${i}/${k}`) < 0.7 ? 'GET' : 'POST'} /api/${names[i].replace(`${prefix}-`, '')}/v${k + 1}`;
  };
  const toEndpoint = (node: TrieNode, path: string): Endpoint => {
    const service = names[node.callee];
    const operation = operationOf(node.callee, node);
    const ep: Endpoint = { id: `${service}:${operation}#${path}`, service, operation, instance: podName(service), work: workOf(node.callee, `${service}:${operation}`), steps: [] };
    const ext = externalOf.get(service);
    if (ext !== undefined) ep.external = ext === RATE_LIMITED_API ? { name: ext, rateLimit: 0.05 } : { name: ext };
    return ep;
  };

  // each terminal: the sequence of calls from the root, turned into a call tree (a call's parent is the latest
  // call to its caller on the stack)
  const templates: Template[] = [];
  const walk = (node: TrieNode, seq: TrieNode[]) => {
    const here = [...seq, node];
    if (node.terminal) templates.push(templateOf(here, toEndpoint, names, rateLimited, spec.name));
    for (const c of node.children) walk(c, here);
  };
  walk(root, []);
  // Zipf-like popularity over a fixed shuffle of the structures
  const ranks = new Random(rng.int(2 ** 32)).permutation(templates.length);
  const raw = templates.map((_, i) => 1 / (1 + ranks[i]) ** 0.9);
  const total = raw.reduce((a, b) => a + b, 0);
  templates.forEach((t, i) => (t.weight = raw[i] / total));
  return { spec, microservices: names, templates, externals, rateLimited };
}

function templateOf(
  seq: TrieNode[],
  toEndpoint: (n: TrieNode, path: string) => Endpoint,
  names: string[],
  rateLimited: string,
  serviceName: string,
): Template {
  const eps: Endpoint[] = [];
  const stackEps: Endpoint[] = [];
  const services = new Set<string>();
  seq.forEach((node, k) => {
    const ep = toEndpoint(node, seq.slice(0, k + 1).map((n) => n.callee).join('.'));
    services.add(ep.service);
    eps.push(ep);
    if (k === 0) {
      stackEps.push(ep);
      return;
    }
    // the caller's endpoint: the one on the stack at the caller's position
    const callerPos = node.stack.length - 2;
    const parent = stackEps[callerPos];
    stackEps.length = callerPos + 1;
    stackEps.push(ep);
    const order = parent.steps.length + 1;
    // optional dependencies (and the rate-limited API): the caller carries on when they fail
    const optional = ep.service === rateLimited || unitHash(`${serviceName}/optional/${names.indexOf(ep.service)}/${names.indexOf(parent.service)}`) < 0.25;
    const step: CallStep = {
      kind: 'call',
      to: ep,
      order: Math.min(order, 30),
      cond: null,
      onFail: optional ? 'continue' : 'propagate',
      siteScale: hashedScale(`${serviceName}/site/${parent.service}>${ep.service}#${order}`, 0.45, 2.6),
    };
    parent.steps.push(step);
  });
  return { entry: eps[0], weight: 0, services, calls: seq.length };
}
