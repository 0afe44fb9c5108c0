import { Random } from '../../src/lib/util/random.ts';
import type { FaultWindow } from '../sim/faults.ts';
import { FaultSchedule } from '../sim/faults.ts';
import { meanRequestsPerSession } from '../sim/dry-run.ts';
import type { Endpoint, LoopItem, RequestCtx } from '../sim/model.ts';
import { simulateDay, type Session, type SimTrace, type Workload } from '../sim/run.ts';
import { TrafficCurve, type TrafficShape } from '../sim/traffic.ts';
import { collectDataset, type SimulatedDataset } from '../sim/dataset.ts';
import { generateService, RATE_LIMITED_API, type SyntheticService } from './generate.ts';
import { TABLE_I, type ServiceSpec } from './table1.ts';

export const SERVICES_VERSION = 'company-s-sim/3';

export interface ServicesConfig {
  seed: number;
  /** Share of each service's daily traffic (Table I) that is simulated. */
  fraction: number;
  /** A day of mobile banking: a morning and an evening peak over a low night. */
  shape: TrafficShape;
  /** Latency added by rt incidents, drawn log-uniformly (ms): some below the 2 s rule of sec. V-D. */
  delayMs: [number, number];
  /** Share of internal incidents that remove a microservice (the rest slow it down). */
  pathShare: number;
  glitchRate: number;
  thinkMs: number;
  startEpoch: number;
  /** Seed of the services' construction (fixed: runs with other seeds are other days of the same services). */
  topologySeed: number;
}

const DAY0 = Date.UTC(2019, 11, 2);
const BASE: Omit<ServicesConfig, 'seed' | 'fraction'> = {
  shape: { minutes: 1440, peaks: 2, base: 0.15, width: 0.28 },
  delayMs: [20, 1500],
  pathShare: 0.4,
  glitchRate: 0.002,
  thinkMs: 4000,
  startEpoch: DAY0,
  topologySeed: 1,
};

/** `paper`: each service's full daily traffic (Table I); `quick`: 1/20 of it. Test days aim at Table I's anomalies. */
export const SERVICES_PRESETS = {
  paper: { ...BASE, seed: 1, fraction: 1 },
  quick: { ...BASE, seed: 1, fraction: 0.05 },
} satisfies Record<string, ServicesConfig>;
export type ServicesPreset = keyof typeof SERVICES_PRESETS;

const NONE: ReadonlySet<string> = new Set();
const NO_ITEMS: readonly LoopItem[] = [];
const CTX: RequestCtx = { side: 'hs', old: 'hs', flags: NONE, items: () => NO_ITEMS };

/** Mobile users: a session makes one to three requests, each of a structure drawn by popularity. */
class ServiceWorkload implements Workload {
  private readonly cumulative: number[];
  private readonly entries: Endpoint[];
  constructor(svc: SyntheticService) {
    let acc = 0;
    this.cumulative = svc.templates.map((t) => (acc += t.weight));
    this.entries = svc.templates.map((t) => t.entry);
  }
  *session(rng: Random): Session {
    const n = 1 + (rng.next() < 0.4 ? 1 : 0) + (rng.next() < 0.15 ? 1 : 0);
    for (let i = 0; i < n; i++) {
      const u = rng.next() * this.cumulative[this.cumulative.length - 1];
      let lo = 0;
      let hi = this.cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.cumulative[mid] < u) lo = mid + 1;
        else hi = mid;
      }
      yield { entry: this.entries[lo], ctx: CTX };
    }
  }
}

/** Share of traces that reach each microservice. */
function reachOf(svc: SyntheticService): Map<string, number> {
  const reach = new Map<string, number>();
  for (const t of svc.templates) for (const s of t.services) reach.set(s, (reach.get(s) ?? 0) + t.weight);
  return reach;
}

const MINUTE = 60_000;

/**
 * The test day's incidents: Table V's count and split (internal microservice / external service), at times drawn
 * with the traffic, each on a target reached by 0.5-30% of the traces, lasting as long as it takes to touch about
 * Table I's anomalous traces divided by the number of incidents.
 */
export function planIncidents(svc: SyntheticService, curve: TrafficCurve, start: number, rng: Random, c: ServicesConfig): FaultWindow[] {
  const spec = svc.spec;
  const reach = reachOf(svc);
  const internal = svc.microservices.filter((m) => (reach.get(m) ?? 0) >= 0.005 && (reach.get(m) ?? 0) <= 0.3);
  const externals = [...svc.externals].filter(([e, m]) => e !== RATE_LIMITED_API && (reach.get(m) ?? 0) > 0);
  const perIncident = spec.anomalous / spec.incidents;
  const windows: FaultWindow[] = [];
  for (let i = 0; i < spec.incidents; i++) {
    const external = i < spec.externalIncidents && externals.length > 0 ? externals[rng.int(externals.length)] : undefined;
    const service = external?.[1] ?? internal[rng.int(internal.length)];
    const type = rng.next() < (external ? 0.3 : c.pathShare) ? 'path' : 'rt';
    const delayMs = type === 'rt' ? Math.round(c.delayMs[0] * (c.delayMs[1] / c.delayMs[0]) ** rng.next()) : 0;
    let at = 0;
    for (let tries = 0; tries < 1000; tries++) {
      // a time drawn with the traffic, away from the other incidents
      const minute = rng.next() * curve.shape.minutes;
      if (rng.next() * curve.maxRate > curve.rate(minute)) continue;
      at = start + Math.floor(minute * MINUTE);
      if (windows.every((w) => Math.abs(w.start - at) > 40 * MINUTE)) break;
    }
    const perMinute = curve.rate((at - start) / MINUTE) * (reach.get(service) ?? 0);
    const minutes = Math.min(30, Math.max(0.25, perIncident / Math.max(perMinute, 1e-9)));
    const w: FaultWindow = { service, type, start: at, end: at + Math.round(minutes * MINUTE), delayMs };
    if (external) w.external = external[0];
    windows.push(w);
  }
  return windows.sort((a, b) => a.start - b.start);
}

export interface ServiceDays {
  service: SyntheticService;
  train: Iterable<SimTrace>;
  test: Iterable<SimTrace>;
  faults: FaultWindow[];
}

const DAY = 86_400_000;

export function serviceDays(spec: ServiceSpec, config: ServicesConfig): ServiceDays {
  const service = generateService(spec, config.topologySeed);
  const workload = new ServiceWorkload(service);
  const meanRequests = meanRequestsPerSession(workload);
  const root = new Random(config.seed * 16 + TABLE_I.indexOf(spec) + 1);
  const trainSeed = root.int(2 ** 32);
  const testSeed = root.int(2 ** 32);
  const curve = new TrafficCurve(config.shape, spec.tracesPerDay * config.fraction);
  const testStart = config.startEpoch + DAY;
  const faults = planIncidents(service, curve, testStart, root.fork(2), config);
  const common = { workload, meanRequests, curve, glitchRate: config.glitchRate, thinkMs: config.thinkMs, glitchKinds: ['spike'] as const };
  return {
    service,
    train: { [Symbol.iterator]: () => simulateDay({ ...common, startEpoch: config.startEpoch, seed: trainSeed }) },
    test: { [Symbol.iterator]: () => simulateDay({ ...common, startEpoch: testStart, seed: testSeed, faults: new FaultSchedule(faults) }) },
    faults,
  };
}

/** One company-S-like service in memory: a normal training day and a test day with incidents. */
export function simulateService(spec: ServiceSpec, config: ServicesConfig, preset?: string): SimulatedDataset {
  return collectDataset(serviceDays(spec, config), {
    name: `company-s-${spec.name}`,
    description: `Synthetic service calibrated to company S's ${spec.name} (${spec.description}, paper Table I)`,
    provenance: { generator: SERVICES_VERSION, preset: preset ?? 'custom', seed: config.seed, config, spec },
  });
}
