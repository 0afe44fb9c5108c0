import type { Random } from '../../src/lib/util/random.ts';
import type { FaultWindow } from './faults.ts';
import type { TrafficCurve } from './traffic.ts';

/** The fault injection protocol of the paper's sec. V-A, in minutes and seconds. */
export interface InjectionProtocol {
  /** Response-time fault: latency added at the service. */
  rtMinutes: number;
  /** Gap before the invocation-path fault ("less than 30 seconds"), drawn uniformly in this range. */
  gapSeconds: [number, number];
  /** Invocation-path fault: the service removed. */
  pathMinutes: number;
  /** Reboot and settling after the faults; traces of this stretch are not collected. */
  settleMinutes: number;
  /**
   * Network-card latency per rt fault (netem: every message the service sends is late by it), drawn log-uniformly
   * in this range (ms); calibrated on structure against the released vectors (datasets/README.md).
   */
  delayMs: [number, number];
}

export const PAPER_PROTOCOL: InjectionProtocol = { rtMinutes: 5, gapSeconds: [5, 30], pathMinutes: 5, settleMinutes: 10, delayMs: [1000, 15000] };

export interface InjectionPlan {
  windows: FaultWindow[];
  /** Settling stretches, [start, end) epoch ms. */
  settle: [number, number][];
  /** The order in which services were injected. */
  order: string[];
}

const MINUTE = 60_000;

/**
 * One injection cycle per peak of the curve, services in a seeded random order: the faults are centred on the
 * peak (anomalies are injected at peak traffic), a normal stretch runs before them and the settling after them.
 */
export function planInjections(services: readonly string[], curve: TrafficCurve, startEpoch: number, rng: Random, p: InjectionProtocol): InjectionPlan {
  if (curve.centers.length < services.length) throw new Error(`${services.length} services to inject but only ${curve.centers.length} peaks`);
  const order = rng.shuffle([...services]);
  const windows: FaultWindow[] = [];
  const settle: [number, number][] = [];
  order.forEach((service, k) => {
    const gap = (p.gapSeconds[0] + rng.next() * (p.gapSeconds[1] - p.gapSeconds[0])) / 60;
    const delayMs = Math.round(p.delayMs[0] * (p.delayMs[1] / p.delayMs[0]) ** rng.next());
    const span = p.rtMinutes + gap + p.pathMinutes;
    const rtStart = startEpoch + Math.round((curve.centers[k] - span / 2) * MINUTE);
    const rtEnd = rtStart + p.rtMinutes * MINUTE;
    const pathStart = rtEnd + Math.round(gap * MINUTE);
    const pathEnd = pathStart + p.pathMinutes * MINUTE;
    windows.push({ service, type: 'rt', start: rtStart, end: rtEnd, delayMs });
    windows.push({ service, type: 'path', start: pathStart, end: pathEnd, delayMs: 0 });
    settle.push([pathEnd, pathEnd + p.settleMinutes * MINUTE]);
  });
  return { windows, settle, order };
}
