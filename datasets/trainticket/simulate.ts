import { Random } from '../../src/lib/util/random.ts';
import { collectDataset, type SimulatedDataset } from '../sim/dataset.ts';
import { meanRequestsPerSession } from '../sim/dry-run.ts';
import { FaultSchedule, type FaultWindow } from '../sim/faults.ts';
import { PAPER_PROTOCOL, planInjections, type InjectionProtocol } from '../sim/injection.ts';
import { simulateDay, type SimTrace } from '../sim/run.ts';
import { PAPER_SHAPE, TrafficCurve, type TrafficShape } from '../sim/traffic.ts';
import { buildModel, type TrainTicketModel } from './model.ts';
import { ABANDON, SESSION_WEIGHTS, TrainTicketWorkload, type SessionKind } from './workload.ts';

export const GENERATOR_VERSION = 'trainticket-sim/2';

export interface TrainTicketConfig {
  seed: number;
  /** Expected traces of the training day (normal traffic, with rare glitches). */
  trainTraces: number;
  trainShape: TrafficShape;
  /** Expected traces of the whole test day, settling stretches included (those are not kept). */
  testTraces: number;
  /** The test day's shape; it needs one peak per injected service. */
  testShape: TrafficShape;
  /** Share of the test day's normal traces kept in the test set (every anomalous trace is kept). */
  normalKeep: number;
  /** Services to inject faults into (default: all 41 ts-* services). */
  services?: string[];
  protocol: InjectionProtocol;
  /** Share of traces with a benign glitch (0.1-0.5% in the paper's description). */
  glitchRate: number;
  /** Median think time between the requests of a session, ms. */
  thinkMs: number;
  /** Whether ts-ui-dashboard (nginx) is traced, as the root of every trace (see the datasets README). */
  ingressTraced: boolean;
  /** A caller's sidecar gives up on a call after this long, ms (Istio's default route timeout until 1.5: 15 s). */
  hopTimeoutMs: number;
  sessionWeights: Record<SessionKind, number>;
  /** Chance that a session ends at a failed step (the rest carry on with their next request). */
  abandon: number;
  /** Epoch ms at which the training day starts; the test day follows it. */
  startEpoch: number;
}

/** 2019-12-02 00:00 UTC, a Monday. */
const DAY0 = Date.UTC(2019, 11, 2);

const BASE: Omit<TrainTicketConfig, 'seed' | 'trainTraces' | 'testTraces' | 'normalKeep'> = {
  trainShape: PAPER_SHAPE,
  testShape: { ...PAPER_SHAPE, peaks: 41 },
  protocol: PAPER_PROTOCOL,
  glitchRate: 0.003,
  thinkMs: 1500,
  ingressTraced: false,
  hopTimeoutMs: 15_000,
  sessionWeights: SESSION_WEIGHTS,
  abandon: ABANDON,
  startEpoch: DAY0,
};

/**
 * `paper`: the paper's scale (sec. V-A): ~380,000 training traces over one day with 40 peaks; a test day with one
 * injection cycle per peak for all 41 services, its load calibrated so that the test set lands near the paper's
 * 30,356 normal, 2,699 rt and 2,380 path traces. `quick`: 1/20 of the training traffic, and the same test day (the
 * fault windows need the paper's test load for every service to be touched).
 */
export const TRAINTICKET_PRESETS = {
  paper: { ...BASE, seed: 1, trainTraces: 380_000, testTraces: 105_000, normalKeep: 0.353 },
  quick: { ...BASE, seed: 1, trainTraces: 19_000, testTraces: 105_000, normalKeep: 0.353 },
} satisfies Record<string, TrainTicketConfig>;
export type TrainTicketPreset = keyof typeof TRAINTICKET_PRESETS;

/** What sec. V-A leaves open and a run may set (datasets/README.md, `npm run sim:frontier`). */
export interface OpenParameters {
  /** The response-time fault's network delay range, ms: each fault draws one log-uniformly between the two. */
  rtDelayMs?: readonly number[];
  /** Chance that a session ends at a failed step. */
  abandon?: number;
}

/** A preset's configuration for a seed, with the open parameters given (the rest as the preset has them). */
export function trainTicketConfig(preset: TrainTicketPreset, seed: number, open: OpenParameters = {}): TrainTicketConfig {
  const base = TRAINTICKET_PRESETS[preset];
  const delayMs: [number, number] = open.rtDelayMs ? [open.rtDelayMs[0], open.rtDelayMs[1]] : base.protocol.delayMs;
  return { ...base, seed, abandon: open.abandon ?? base.abandon, protocol: { ...base.protocol, delayMs } };
}

export interface TrainTicketDays {
  model: TrainTicketModel;
  train: Iterable<SimTrace>;
  test: Iterable<SimTrace>;
  faults: FaultWindow[];
  settle: [number, number][];
  config: TrainTicketConfig;
}

const DAY = 86_400_000;

/** The training and test days as lazy streams of traces (each can be iterated once per call). */
export function trainTicketDays(config: TrainTicketConfig, model: TrainTicketModel = buildModel()): TrainTicketDays {
  const workload = new TrainTicketWorkload(model, config.sessionWeights, config.abandon);
  const meanRequests = meanRequestsPerSession(workload);
  const root = new Random(config.seed);
  const trainSeed = root.int(2 ** 32);
  const testSeed = root.int(2 ** 32);
  const planRng = root.fork(1);
  const keepSeed = root.int(2 ** 32);
  const trainCurve = new TrafficCurve(config.trainShape, config.trainTraces);
  const testCurve = new TrafficCurve(config.testShape, config.testTraces);
  const testStart = config.startEpoch + Math.ceil((config.trainShape.minutes * 60_000) / DAY) * DAY;
  const services = config.services ?? model.services;
  const plan = planInjections(services, testCurve, testStart, planRng, config.protocol);
  const common = { workload, meanRequests, glitchRate: config.glitchRate, thinkMs: config.thinkMs, ingressTraced: config.ingressTraced, hopTimeoutMs: config.hopTimeoutMs };
  return {
    model,
    train: { [Symbol.iterator]: () => simulateDay({ ...common, curve: trainCurve, startEpoch: config.startEpoch, seed: trainSeed }) },
    test: {
      [Symbol.iterator]: () =>
        keepNormal(
          simulateDay({ ...common, curve: testCurve, startEpoch: testStart, seed: testSeed, faults: new FaultSchedule(plan.windows), skip: plan.settle }),
          config.normalKeep,
          keepSeed,
        ),
    },
    faults: plan.windows,
    settle: plan.settle,
    config,
  };
}

/** Keeps every anomalous trace and a seeded share of the normal ones. */
function* keepNormal(traces: Iterable<SimTrace>, keep: number, seed: number): Generator<SimTrace> {
  const rng = new Random(seed);
  for (const s of traces) if (s.label.label === 1 || rng.next() < keep) yield s;
}

/** Simulates the TrainTicket testbed in memory: the `Dataset` with traces, test labels and the fault schedule. */
export function simulateTrainTicket(config: TrainTicketConfig, preset?: string): SimulatedDataset {
  const days = trainTicketDays(config);
  return collectDataset(days, {
    name: 'trainticket-sim',
    description: 'Simulated TrainTicket testbed (paper sec. V-A): one normal training day, one test day with rt and path faults injected into each service',
    provenance: { generator: GENERATOR_VERSION, preset: preset ?? 'custom', seed: config.seed, config, topology: days.model.topology.source },
  });
}
