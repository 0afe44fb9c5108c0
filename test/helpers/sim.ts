import { TRAINTICKET_PRESETS, type TrainTicketConfig } from '../../datasets/trainticket/simulate.ts';

/** Four injected services, both a search path service and leaves. */
export const SMALL_SERVICES = ['ts-station-service', 'ts-order-service', 'ts-payment-service', 'ts-auth-service'];

/** A small TrainTicket day for tests: 3 hours with 5 peaks (~4,000 traces), a test stretch with 4 injections. */
export function smallConfig(seed = 7): TrainTicketConfig {
  return {
    ...TRAINTICKET_PRESETS.quick,
    seed,
    trainTraces: 4000,
    trainShape: { minutes: 180, peaks: 5, base: 0.05, width: 0.08 },
    testTraces: 9000,
    testShape: { minutes: 180, peaks: 4, base: 0.05, width: 0.08 },
    normalKeep: 1,
    services: SMALL_SERVICES,
  };
}
