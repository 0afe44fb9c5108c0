// npx tsx datasets/trainticket/derive-topology.ts [SHARED_TOPOLOGY_JSON]
// Derives datasets/trainticket/topology.json (the simulator's compact topology) from the shared reading of the
// TrainTicket source (../shared/datasets/trainticket-topology/topology.json). The reading's prose conditions become
// small condition expressions (see topology-schema.ts) through the patterns and per-endpoint rules below; the script
// fails on any live call whose condition no rule covers, so that a new reading cannot be silently misread.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/lib/util/atomic-write.ts';
import { dataRoot, PROJECT_ROOT } from '../../src/lib/util/data-root.ts';
import type { CallSpec, EndpointSpec, LoopOver, LoopSpec, StepSpec, TopologyFile, TripSpec, WorkClass } from './topology-schema.ts';
import { serviceOf } from './topology-schema.ts';

interface SourceCall {
  to: string;
  order: number;
  condition: string;
  repeat?: string;
  loop?: string;
  disabled_in_code?: boolean;
  effectively_dead?: boolean;
}
interface SourceEndpoint {
  id: string;
  service: string;
  method: string;
  calls: SourceCall[];
  exists_in_code?: boolean;
}
export interface Source {
  source_detail: { repo: string; commit: string };
  services: { name: string; port: number; runtime: string; datastore?: string }[];
  endpoints: SourceEndpoint[];
  flows: { name: string; client_steps: { endpoint: string }[] }[];
  seed_data_hints: { travel_trips: Record<string, string>; travel2_trips: Record<string, string> };
}

/** Prose condition -> expression; `$own` is the side of the handler's own trip collection. First match wins. */
const PATTERNS: [RegExp, string][] = [
  [/^always$/, ''],
  [/^branch: (tripId|trainTypeId) starts with G or D/, 'side=hs'],
  [/^branch: tripId does not start with G or D/, 'side=normal'],
  [/^branch: otherwise$/, 'side=normal'],
  [/^optional: only for trips whose route contains start before end.*previous id equals trip\.startingStationId/, 'item&first'],
  [/^optional: only for trips whose route contains start before end/, 'item'],
  [/^optional: only if the trip(Id)? exists/, '$own'],
  [/^optional: only if route-plan returned results/, ''],
  [/^optional: only if assurance != 0/, 'flag:assurance'],
  [/^optional: only if consigneeName is non-empty/, 'flag:consign'],
  [/^optional: only if foodType != 0/, 'flag:food'],
  [/^optional: only if the request carries a non-empty verificationCode/, ''],
];

/**
 * Per-endpoint rules where the prose needs reading: `${order}>${callee service}` -> expression and failure
 * handling; `exits` are early returns placed before the call at that position.
 */
interface Rule {
  calls?: Record<string, { if?: string }>;
  exits?: { before: number; status: string; if: string }[];
  /** Calls the reading marks as commented out that the simulator makes anyway (see the README). */
  enable?: string[];
}
const ORDER = 'ts-order-service';
const OTHER = 'ts-order-other-service';
const ORDER_LOOKUP: Rule = {
  // look in ts-order first; its "not found" answer (status 0: a K/T/Z order) sends the lookup to ts-order-other.
  // A failed call (unreachable, 5xx) is not "not found": it throws and the handler answers 500 (every call site)
  calls: {
    [`2>${ORDER}`]: { if: 'side=hs' },
    [`2>${OTHER}`]: { if: 'side=normal' },
    [`3>${OTHER}`]: { if: 'side=normal' },
  },
};
const PRESERVE: Rule = {
  calls: {
    // only their status-0 answers let preserve go on; a failed call throws after the order was created
    '9>ts-assurance-service': { if: 'flag:assurance' },
    '10>ts-food-service': { if: 'flag:food' },
    '11>ts-consign-service': { if: 'flag:consign' },
    '13>ts-notification-service': { if: '' },
  },
  // trip_detail answers a null trip for a past date: NullPointerException after call 3
  exits: [{ before: 4, status: '500', if: 'flag:pastDate' }],
  enable: ['13>ts-notification-service'],
};
const REBOOK_TAIL = {
  [`7>${ORDER}`]: { if: 'flag:paid&!flag:dearer&same&side=hs' },
  [`7>${OTHER}`]: { if: 'flag:paid&!flag:dearer&same&side=normal' },
};
const RULES: Record<string, Rule> = {
  'ts-cancel-service:GET /api/v1/cancelservice/cancel/refound/{orderId}': {
    calls: { [`2>${OTHER}`]: { if: 'side=normal' } },
  },
  'ts-cancel-service:GET /api/v1/cancelservice/cancel/{orderId}/{loginId}': {
    calls: {
      [`2>${ORDER}`]: { if: 'side=hs' },
      [`2>${OTHER}`]: { if: 'side=normal' },
      '3>ts-inside-payment-service': { if: 'side=hs' },
      [`3>${OTHER}`]: { if: 'side=normal' },
      '4>ts-user-service': { if: 'side=hs' },
      '4>ts-inside-payment-service': { if: 'side=normal' },
    },
  },
  'ts-execute-service:GET /api/v1/executeservice/execute/execute/{orderId}': ORDER_LOOKUP,
  'ts-execute-service:GET /api/v1/executeservice/execute/collected/{orderId}': ORDER_LOOKUP,
  'ts-consign-service:PUT /api/v1/consignservice/consigns': { calls: { '1>ts-consign-price-service': { if: 'flag:priced' } } },
  'ts-food-service:GET /api/v1/foodservice/foods/{date}/{startStation}/{endStation}/{tripId}': {
    calls: {
      // ts-travel answers K/T/Z trips with status 0: the food service answers at once
      '2>ts-travel-service': { if: '' },
      '3>ts-station-service': { if: 'side=hs' },
      '4>ts-station-service': { if: 'side=hs' },
      '5>ts-food-map-service': { if: 'side=hs' },
    },
  },
  'ts-inside-payment-service:POST /api/v1/inside_pay_service/inside_payment': {
    calls: {
      // a payment the bank refused (status 0) is answered at once, the order not marked paid
      '2>ts-payment-service': { if: '' },
      [`3>${ORDER}`]: { if: 'side=hs&ok:2' },
      [`3>${OTHER}`]: { if: 'side=normal&ok:2' },
    },
    // the order is not NOTPAID (paid twice, cancelled meanwhile): error answer after the lookup
    exits: [{ before: 2, status: '200', if: 'flag:notPayable' }],
  },
  'ts-preserve-service:POST /api/v1/preserveservice/preserve': PRESERVE,
  'ts-preserve-other-service:POST /api/v1/preserveotherservice/preserveOther': PRESERVE,
  'ts-rebook-service:POST /api/v1/rebookservice/rebook': {
    calls: {
      [`1>${ORDER}`]: { if: 'old=hs' },
      [`1>${OTHER}`]: { if: 'old=normal' },
      '2>ts-station-service': { if: 'flag:paid' },
      '3>ts-station-service': { if: 'flag:paid' },
      '4>ts-travel-service': { if: 'flag:paid&side=hs' },
      '4>ts-travel2-service': { if: 'flag:paid&side=normal' },
      '5>ts-inside-payment-service': { if: 'flag:paid&flag:cheaper' },
      '6>ts-seat-service': { if: 'flag:paid&!flag:dearer' },
      ...REBOOK_TAIL,
      // the side-changing branch deletes with POST: 405, RestTemplate throws, the request fails
      [`7>${ORDER}#POST /api/v1/orderservice/order/{orderId}`]: { if: 'flag:paid&!flag:dearer&!same&old=hs' },
      [`7>${OTHER}#POST /api/v1/orderOtherService/orderOther/{orderId}`]: { if: 'flag:paid&!flag:dearer&!same&old=normal' },
    },
  },
  'ts-rebook-service:POST /api/v1/rebookservice/rebook/difference': {
    calls: {
      [`1>${ORDER}`]: { if: 'old=hs' },
      [`1>${OTHER}`]: { if: 'old=normal' },
      '2>ts-station-service': { if: '' },
      '3>ts-station-service': { if: '' },
      '4>ts-travel-service': { if: 'side=hs' },
      '4>ts-travel2-service': { if: 'side=normal' },
      '5>ts-inside-payment-service': { if: '' },
      '6>ts-seat-service': { if: '' },
      [`7>${ORDER}`]: { if: 'same&side=hs' },
      [`7>${OTHER}`]: { if: 'same&side=normal' },
      [`7>${ORDER}#POST /api/v1/orderservice/order/{orderId}`]: { if: '!same&old=hs' },
      [`7>${OTHER}#POST /api/v1/orderOtherService/orderOther/{orderId}`]: { if: '!same&old=normal' },
    },
  },
  'ts-route-plan-service:POST /api/v1/routeplanservice/routePlan/minStopStations': {
    calls: { '7>ts-route-service': { if: '' } },
  },
  'ts-user-service:POST /api/v1/userservice/users/register': { calls: { '1>ts-auth-service': { if: '!flag:nameTaken' } } },
  'ts-voucher-service:POST /getVoucher': {
    calls: { [`1>${OTHER}`]: { if: 'side=normal&flag:newVoucher' }, [`1>${ORDER}`]: { if: 'side=hs&flag:newVoucher' } },
  },
};

/** Which items a loop runs over, from the handler. */
function loopOver(endpointId: string): LoopOver {
  if (/routePlan\/minStopStations|travelPlan\/minStation/.test(endpointId)) return 'minStop';
  if (/routePlan\/|travelPlan\//.test(endpointId)) return 'results';
  return 'trips';
}

const OWN_SIDE: Record<string, string> = { 'ts-travel-service': 'side=hs', 'ts-travel2-service': 'side=normal' };

function workClass(ep: SourceEndpoint, svc: Source['services'][number]): WorkClass {
  const rt = svc.runtime;
  if (rt.startsWith('go')) return 'static';
  if (rt.includes('face detection')) return 'cpu';
  if (rt.startsWith('python')) return 'sql';
  if (rt.includes('SMTP')) return 'mail';
  if (rt.includes('Guava')) return ep.id.includes('/generate') ? 'image' : 'cache';
  if (ep.id === 'ts-auth-service:POST /api/v1/users/login') return 'auth';
  if (ep.calls.some((c) => !c.disabled_in_code && !c.effectively_dead)) return 'logic';
  if (svc.datastore === undefined && !rt.startsWith('node')) return 'logic';
  return ep.method === 'GET' ? 'read' : 'write';
}

function shortRuntime(rt: string): string {
  return rt.split(/[/ ]/)[0];
}

function tripsOf(hints: Record<string, string>): TripSpec[] {
  return Object.entries(hints).map(([id, text]) => ({ id, route: text.replace(/^route /, '').split(',').map((s) => s.trim()) }));
}

export function deriveTopology(src: Source): TopologyFile {
  const byId = new Map(src.endpoints.map((e) => [e.id, e]));
  const svcByName = new Map(src.services.map((s) => [s.name, s]));
  const problems: string[] = [];
  const live = (ep: SourceEndpoint, c: SourceCall) => {
    const rule = RULES[ep.id];
    const enabled = rule?.enable?.includes(`${c.order}>${serviceOf(c.to)}`) ?? false;
    return !c.effectively_dead && (!c.disabled_in_code || enabled);
  };
  // endpoints reachable from the flows' client steps
  const reachable: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    const ep = byId.get(id);
    if (ep === undefined) throw new Error(`flow or call target ${id} is not an endpoint`);
    seen.add(id);
    reachable.push(id);
    for (const c of ep.calls) if (live(ep, c)) visit(c.to);
  };
  for (const f of src.flows) for (const s of f.client_steps) visit(s.endpoint);

  const endpoints: EndpointSpec[] = [];
  for (const id of [...reachable].sort()) {
    const ep = byId.get(id)!;
    const rule = RULES[id];
    const steps: StepSpec[] = [];
    const used = new Set<string>();
    let openLoop: { id: string; spec: LoopSpec } | null = null;
    for (const c of ep.calls) {
      if (!live(ep, c)) continue;
      const key = `${c.order}>${serviceOf(c.to)}`;
      const exact = `${key}#${c.to.slice(c.to.indexOf(':') + 1)}`;
      const ruled = rule?.calls?.[exact] ?? rule?.calls?.[key];
      if (ruled) used.add(rule!.calls![exact] ? exact : key);
      let cond = ruled?.if;
      if (cond === undefined) {
        const hit = PATTERNS.find(([re]) => re.test(c.condition));
        if (hit === undefined) {
          problems.push(`${id} call ${key}: no rule for condition "${c.condition}"`);
          continue;
        }
        cond = hit[1] === '$own' ? (OWN_SIDE[ep.service] ?? '') : hit[1];
      }
      for (const x of rule?.exits ?? []) {
        if (x.before === c.order && !steps.some((s) => 'exit' in s && s.if === x.if)) steps.push({ exit: x.status, if: x.if });
      }
      const call: CallSpec = { call: c.to, order: c.order };
      if (cond) call.if = cond;
      if (c.loop !== undefined) {
        if (openLoop !== null && openLoop.id === c.loop && steps[steps.length - 1] === openLoop.spec) openLoop.spec.body.push(call);
        else {
          openLoop = { id: c.loop, spec: { loop: loopOver(id), body: [call] } };
          steps.push(openLoop.spec);
        }
      } else steps.push(call);
    }
    for (const k of Object.keys(rule?.calls ?? {})) if (!used.has(k)) problems.push(`${id}: rule ${k} matches no call`);
    const spec: EndpointSpec = { id, work: workClass(ep, svcByName.get(ep.service)!), steps };
    if (ep.exists_in_code === false) spec.status = '405';
    endpoints.push(spec);
  }
  if (problems.length > 0) throw new Error(`cannot derive the topology:\n  ${problems.join('\n  ')}`);

  const flows: Record<string, string[]> = {};
  for (const f of src.flows) flows[f.name.replace(/\s*\(.*$/, '').replace(/[^a-z0-9]+/gi, '_')] = f.client_steps.map((s) => s.endpoint);
  return {
    format: 'traceanomaly-trainticket-topology',
    version: 1,
    source: `${src.source_detail.repo.replace('https://github.com/', '')}@${src.source_detail.commit}`,
    entry: 'ts-ui-dashboard',
    services: src.services.map((s) => ({ name: s.name, port: s.port, runtime: shortRuntime(s.runtime) })),
    endpoints,
    flows,
    trips: { hs: tripsOf(src.seed_data_hints.travel_trips), normal: tripsOf(src.seed_data_hints.travel2_trips) },
  };
}

/** One service, flow, trip or endpoint per line, so that the file stays readable and diffs stay small. */
export function topologyText(t: TopologyFile): string {
  const list = (items: unknown[]) => `[\n${items.map((x) => `  ${JSON.stringify(x)}`).join(',\n')}\n ]`;
  const flows = Object.entries(t.flows).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n');
  return [
    '{',
    ` "format": ${JSON.stringify(t.format)},`,
    ` "version": ${t.version},`,
    ` "source": ${JSON.stringify(t.source)},`,
    ` "entry": ${JSON.stringify(t.entry)},`,
    ` "services": ${list(t.services)},`,
    ` "trips": {"hs": ${list(t.trips.hs)}, "normal": ${list(t.trips.normal)}},`,
    ` "flows": {\n${flows}\n },`,
    ` "endpoints": ${list(t.endpoints)}`,
    '}',
    '',
  ].join('\n');
}

/** The shared reading of the TrainTicket source, when present. */
export const SHARED_TOPOLOGY = join(dataRoot(), 'trainticket-topology', 'topology.json');
export const PROJECT_TOPOLOGY = join(PROJECT_ROOT, 'datasets', 'trainticket', 'topology.json');

if (import.meta.url === `file://${process.argv[1]}`) {
  const input = process.argv[2] ?? SHARED_TOPOLOGY;
  const topo = deriveTopology(JSON.parse(readFileSync(input, 'utf8')) as Source);
  await writeFileAtomic(PROJECT_TOPOLOGY, topologyText(topo));
  const calls = topo.endpoints.reduce((n, e) => n + e.steps.reduce((m, s) => m + ('body' in s ? s.body.length : 'call' in s ? 1 : 0), 0), 0);
  console.log(`${topo.endpoints.length} endpoints, ${calls} calls, ${Object.keys(topo.flows).length} flows -> ${PROJECT_TOPOLOGY}`);
}
