import { readFileSync } from 'node:fs';
import { compileCondition } from '../sim/conditions.ts';
import { podName } from '../sim/ids.ts';
import type { CallStep, Endpoint, LoopItem, Side, Step } from '../sim/model.ts';
import { hashedScale, type WorkParams } from '../sim/timing.ts';
import type { CallSpec, EndpointSpec, TopologyFile, TripSpec, WorkClass } from './topology-schema.ts';
import { isExit, isLoop, serviceOf } from './topology-schema.ts';

export const TOPOLOGY_FILE = new URL('./topology.json', import.meta.url);

/**
 * Medians (ms) of the local work per class of endpoint, calibrated to the released TrainTicket vectors (median
 * response time about 4 ms, 90% under 23 ms) and to what each kind of handler does: Spring handlers spend about a
 * millisecond in filters and (de)serialisation before their first call; MongoDB reads a few ms, writes more.
 */
const WORK: Record<WorkClass | 'proxy', Omit<WorkParams, 'tailP' | 'tailAlpha'>> = {
  proxy: { floor: 0.1, pre: 0.15, post: 0.15, sigma: 0.3 },
  logic: { floor: 1.0, pre: 0.5, post: 0.7, sigma: 0.5 },
  read: { floor: 0.2, pre: 1.5, post: 0, sigma: 0.6 },
  write: { floor: 1.0, pre: 4.5, post: 0, sigma: 0.5 },
  cache: { floor: 0.05, pre: 0.35, post: 0, sigma: 0.5 },
  static: { floor: 0.05, pre: 0.25, post: 0, sigma: 0.4 },
  sql: { floor: 2, pre: 5, post: 0, sigma: 0.45 },
  cpu: { floor: 40, pre: 80, post: 0, sigma: 0.35 },
  image: { floor: 2, pre: 7, post: 0, sigma: 0.4 },
  auth: { floor: 20, pre: 25, post: 0, sigma: 0.3 },
  mail: { floor: 5, pre: 25, post: 0, sigma: 0.6 },
};
/**
 * Database round trips in an endpoint's own work, by class (MongoDB or MySQL reads and writes, the login's user
 * lookup); each is late by an rt fault's network delay at the service. In-memory, static and CPU work has none.
 */
const DB_TRIPS: Partial<Record<WorkClass, number>> = { read: 1, write: 1, sql: 1, auth: 1 };

/** 1.5% of requests in a Pareto tail of index 1.7: rare requests tens of times slower than the median. */
const TAIL = { tailP: 0.015, tailAlpha: 1.7 };

/** The endpoint whose external API (the bank's payment gateway) is rate limited (paper sec. V-D). */
export const RATE_LIMITED = 'ts-payment-service:POST /api/v1/paymentservice/payment';
/** Share of its calls refused at the busiest minute (falls with the square of the load). */
export const RATE_LIMIT_AT_PEAK = 0.06;

export interface TrainTicketModel {
  topology: TopologyFile;
  /** The 41 ts-* services (the ingress excluded): the fault injection targets. */
  services: string[];
  endpoint(id: string): Endpoint;
  /** The ingress endpoint through which a client request reaches `id`. */
  proxy(id: string): Endpoint;
  /** Loop items of a request for a station pair and a route-plan ordering. */
  items(over: string, ep: Endpoint, query: Query, plan: Plan): readonly LoopItem[];
}

export interface Query {
  from: string;
  to: string;
}
export type Plan = 'cheapest' | 'quickest' | 'minStop';

export function loadTopology(): TopologyFile {
  return JSON.parse(readFileSync(TOPOLOGY_FILE, 'utf8')) as TopologyFile;
}

const sideOfService = (service: string): Side | null =>
  service === 'ts-travel-service' ? 'hs' : service === 'ts-travel2-service' ? 'normal' : null;

export function buildModel(topology: TopologyFile = loadTopology()): TrainTicketModel {
  const specs = new Map(topology.endpoints.map((e) => [e.id, e]));
  const built = new Map<string, Endpoint>();
  const workOf = (cls: WorkClass | 'proxy', id: string): WorkParams => {
    const w = WORK[cls];
    const k = hashedScale(`work:${id}`, 0.7, 1.5);
    return { ...w, pre: w.pre * k, post: w.post * k, ...TAIL };
  };
  const get = (id: string): Endpoint => {
    const done = built.get(id);
    if (done) return done;
    const spec = specs.get(id);
    if (spec === undefined) throw new Error(`TrainTicket topology has no endpoint ${id}`);
    const service = serviceOf(id);
    const ep: Endpoint = { id, service, operation: id.slice(service.length + 1), instance: podName(service), work: workOf(spec.work, id), steps: [] };
    if (DB_TRIPS[spec.work]) ep.dbTrips = DB_TRIPS[spec.work];
    if (spec.status !== undefined) ep.status = spec.status;
    if (id === RATE_LIMITED) ep.external = { name: 'bank-payment-gateway', rateLimit: RATE_LIMIT_AT_PEAK };
    built.set(id, ep);
    ep.steps = compileSteps(spec, get);
    return ep;
  };
  const proxies = new Map<string, Endpoint>();
  const proxy = (id: string): Endpoint => {
    let p = proxies.get(id);
    if (p === undefined) {
      const target = get(id);
      const step: CallStep = { kind: 'call', to: target, order: 1, cond: null, onFail: 'propagate', siteScale: 1 };
      p = {
        id: `${topology.entry}:${target.operation}`,
        service: topology.entry,
        operation: target.operation,
        instance: podName(topology.entry),
        work: workOf('proxy', topology.entry),
        steps: [step],
        passStatus: true,
      };
      proxies.set(id, p);
    }
    return p;
  };
  for (const id of specs.keys()) get(id);

  const trips = topology.trips;
  const itemCache = new Map<string, readonly LoopItem[]>();
  const items = (over: string, ep: Endpoint, q: Query, plan: Plan): readonly LoopItem[] => {
    const own = sideOfService(ep.service);
    const key = `${over}|${own}|${q.from}|${q.to}|${plan}`;
    let list = itemCache.get(key);
    if (list === undefined) {
      list = loopItems(over, own, trips, q, plan);
      itemCache.set(key, list);
    }
    return list;
  };
  const services = topology.services.map((s) => s.name).filter((s) => s !== topology.entry);
  return { topology, services, endpoint: get, proxy, items };
}

function compileSteps(spec: EndpointSpec, get: (id: string) => Endpoint): Step[] {
  const call = (c: CallSpec): CallStep => ({
    kind: 'call',
    to: get(c.call),
    order: c.order,
    cond: compileCondition(c.if),
    onFail: c.onFail ?? 'propagate',
    // the callee's work depends on who calls it and at which point (how much data, which cache is warm)
    siteScale: hashedScale(`site:${spec.id}#${c.order}>${c.call}`, 0.45, 2.6),
  });
  return spec.steps.map((s): Step => {
    if (isExit(s)) return { kind: 'exit', status: s.exit, cond: compileCondition(s.if) };
    if (isLoop(s)) return { kind: 'loop', over: s.loop, body: s.body.map(call) };
    return call(s);
  });
}

const matches = (t: TripSpec, q: Query) => {
  const a = t.route.indexOf(q.from);
  const b = t.route.indexOf(q.to);
  return a >= 0 && b > a;
};
const stops = (t: TripSpec, q: Query) => t.route.indexOf(q.to) - t.route.indexOf(q.from);

/**
 * The items of a loop, from the seed trips: `trips` are all trips of the handler's own collection (travel: G/D,
 * travel2: K/T/Z), marked by whether they match the query; `results` are the matching trips of both collections,
 * cheapest (normal trains first) or quickest (high-speed first), at most 5; `minStop` are the matching trips with
 * the fewest stops between the two stations, at most 5.
 */
function loopItems(over: string, own: Side | null, trips: TopologyFile['trips'], q: Query, plan: Plan): LoopItem[] {
  const item = (t: TripSpec, side: Side): LoopItem => ({ side, match: matches(t, q), first: t.route[0] === q.from });
  if (over === 'trips') {
    if (own === null) throw new Error('a loop over trips outside ts-travel-service / ts-travel2-service');
    return trips[own].map((t) => item(t, own));
  }
  const hs = trips.hs.filter((t) => matches(t, q)).map((t) => ({ t, i: item(t, 'hs') }));
  const normal = trips.normal.filter((t) => matches(t, q)).map((t) => ({ t, i: item(t, 'normal') }));
  if (over === 'minStop' || plan === 'minStop') {
    return [...hs, ...normal].sort((a, b) => stops(a.t, q) - stops(b.t, q)).slice(0, 5).map((x) => x.i);
  }
  if (over === 'results') return (plan === 'cheapest' ? [...normal, ...hs] : [...hs, ...normal]).slice(0, 5).map((x) => x.i);
  throw new Error(`unknown loop kind ${over}`);
}
