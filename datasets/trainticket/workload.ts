import type { Random } from '../../src/lib/util/random.ts';
import type { Endpoint, LoopItem, RequestCtx, Side } from '../sim/model.ts';
import type { Outcome, Session, SimRequest, Workload } from '../sim/run.ts';
import type { Plan, Query, TrainTicketModel } from './model.ts';

/**
 * Who uses the testbed: sessions of a load generator that "randomly visits different functions" (paper sec. V-A),
 * shaped after FudanSELab's train-ticket-auto-query (normal_request_manager: log in, search, book; then 25% cancel or
 * 75% pay, collect and enter the station; 60% high-speed trains; assurance and consign 50/50; no food) and the
 * UI's other pages. Each step is one client request, so one trace. A session stops at the first failed step.
 *
 * Session weights are chosen so that every ts-* service is reached by at least a few percent of the traces (so
 * that each fault window touches traces), see the README's table of reach per service.
 */
export const SESSION_WEIGHTS = {
  booking: 0.24,
  browse: 0.12,
  plan: 0.1,
  rebook: 0.1,
  orders: 0.12,
  info: 0.22,
  admin: 0.1,
} as const;
export type SessionKind = keyof typeof SESSION_WEIGHTS;

/** Station pairs searched, per side: the auto-query defaults most of the time, the busier reverse direction else. */
const QUERIES: Record<Side, [Query, number][]> = {
  hs: [
    [{ from: 'shanghai', to: 'suzhou' }, 0.8],
    [{ from: 'nanjing', to: 'shanghai' }, 0.2],
  ],
  normal: [
    [{ from: 'shanghai', to: 'nanjing' }, 0.8],
    [{ from: 'nanjing', to: 'shanghai' }, 0.2],
  ],
};
const PLAN_QUERY: Query = { from: 'shanghai', to: 'suzhou' };

const E = {
  captcha: 'ts-verification-code-service:GET /api/v1/verifycode/generate',
  login: 'ts-auth-service:POST /api/v1/users/login',
  search: { hs: 'ts-travel-service:POST /api/v1/travelservice/trips/left', normal: 'ts-travel2-service:POST /api/v1/travel2service/trips/left' },
  assuranceTypes: 'ts-assurance-service:GET /api/v1/assuranceservice/assurances/types',
  contacts: 'ts-contacts-service:GET /api/v1/contactservice/contacts/account/{accountId}',
  addContact: 'ts-contacts-service:POST /api/v1/contactservice/contacts',
  foods: 'ts-food-service:GET /api/v1/foodservice/foods/{date}/{startStation}/{endStation}/{tripId}',
  preserve: { hs: 'ts-preserve-service:POST /api/v1/preserveservice/preserve', normal: 'ts-preserve-other-service:POST /api/v1/preserveotherservice/preserveOther' },
  refresh: { hs: 'ts-order-service:POST /api/v1/orderservice/order/refresh', normal: 'ts-order-other-service:POST /api/v1/orderOtherService/orderOther/refresh' },
  refound: 'ts-cancel-service:GET /api/v1/cancelservice/cancel/refound/{orderId}',
  cancel: 'ts-cancel-service:GET /api/v1/cancelservice/cancel/{orderId}/{loginId}',
  pay: 'ts-inside-payment-service:POST /api/v1/inside_pay_service/inside_payment',
  collect: 'ts-execute-service:GET /api/v1/executeservice/execute/collected/{orderId}',
  enter: 'ts-execute-service:GET /api/v1/executeservice/execute/execute/{orderId}',
  voucher: 'ts-voucher-service:POST /getVoucher',
  consignOfOrder: 'ts-consign-service:GET /api/v1/consignservice/consigns/order/{id}',
  consign: 'ts-consign-service:PUT /api/v1/consignservice/consigns',
  consignsOfAccount: 'ts-consign-service:GET /api/v1/consignservice/consigns/account/{id}',
  rebook: 'ts-rebook-service:POST /api/v1/rebookservice/rebook',
  difference: 'ts-rebook-service:POST /api/v1/rebookservice/rebook/difference',
  plan: {
    cheapest: 'ts-travel-plan-service:POST /api/v1/travelplanservice/travelPlan/cheapest',
    quickest: 'ts-travel-plan-service:POST /api/v1/travelplanservice/travelPlan/quickest',
    minStop: 'ts-travel-plan-service:POST /api/v1/travelplanservice/travelPlan/minStation',
  },
  news: 'ts-news-service:GET /news-service/news',
  regions: 'ts-ticket-office-service:GET /office/getRegionList',
  offices: 'ts-ticket-office-service:POST /office/getSpecificOffices',
  stationName: 'ts-station-service:GET /api/v1/stationservice/stations/name/{stationIdForName}',
  avatar: 'ts-avatar-service:POST /api/v1/avatar',
  register: 'ts-admin-user-service:POST /api/v1/adminuserservice/users',
};

/** Default chance that a session ends at a failed step (datasets/README.md, Calibration). */
export const ABANDON = 0.4;

const NO_FLAGS: ReadonlySet<string> = new Set();

class Request implements RequestCtx {
  constructor(
    private readonly model: TrainTicketModel,
    readonly side: Side,
    readonly old: Side,
    readonly flags: ReadonlySet<string>,
    private readonly query: Query,
    private readonly plan: Plan,
  ) {}
  items(over: string, ep: Endpoint): readonly LoopItem[] {
    return this.model.items(over, ep, this.query, this.plan);
  }
}

interface RequestOptions {
  side?: Side;
  old?: Side;
  flags?: (string | false)[];
  query?: Query;
  plan?: Plan;
}

/** The TrainTicket workload over a model. */
export class TrainTicketWorkload implements Workload {
  private readonly kinds: [SessionKind, number][];
  private readonly adminQueries: string[];
  private readonly adminWrites: string[];

  constructor(
    private readonly model: TrainTicketModel,
    weights: Record<SessionKind, number> = SESSION_WEIGHTS,
    /** Chance that a session ends at a failed step. */
    private readonly abandon: number = ABANDON,
  ) {
    this.kinds = Object.entries(weights) as [SessionKind, number][];
    // the admin pages in the order FudanSELab's scenario_component visits them (the login step is ours)
    this.adminQueries = model.topology.flows.admin_queries.filter((e) => e !== E.login);
    this.adminWrites = model.topology.flows.admin_writes;
    for (const id of [...Object.values(E).flatMap((v) => (typeof v === 'string' ? [v] : Object.values(v))), ...this.adminQueries, ...this.adminWrites]) model.proxy(id);
  }

  private req(id: string, o: RequestOptions = {}): SimRequest {
    const side = o.side ?? 'hs';
    const flags = o.flags ? new Set(o.flags.filter((f): f is string => f !== false)) : NO_FLAGS;
    return { entry: this.model.proxy(id), ctx: new Request(this.model, side, o.old ?? side, flags, o.query ?? QUERIES[side][0][0], o.plan ?? 'cheapest') };
  }

  session(rng: Random): Session {
    let u = rng.next() * this.kinds.reduce((s, [, w]) => s + w, 0);
    for (const [kind, w] of this.kinds) {
      if ((u -= w) < 0) return this[kind](rng);
    }
    return this.info(rng);
  }

  private *login(rng: Random): Generator<SimRequest, boolean, Outcome> {
    yield this.req(E.captcha);
    return !this.quits(yield this.req(E.login), rng);
  }

  /** After a failed step the user (or the load generator's loop) gives up now and then, else carries on. */
  private quits(o: Outcome, rng: Random): boolean {
    return !o.ok && rng.next() < this.abandon;
  }

  private query(side: Side, rng: Random): Query {
    let u = rng.next();
    for (const [q, w] of QUERIES[side]) if ((u -= w) < 0) return q;
    return QUERIES[side][0][0];
  }

  private refreshes(side: Side, rng: Random): SimRequest[] {
    // the auto-query refreshes one list; the UI's order page refreshes both
    if (rng.next() < 0.2) return [this.req(E.refresh.hs), this.req(E.refresh.normal, { side: 'normal' })];
    return [this.req(E.refresh[side], { side })];
  }

  private *booking(rng: Random): Session {
    if (!(yield* this.login(rng))) return;
    const side: Side = rng.next() < 0.55 ? 'hs' : 'normal';
    const query = this.query(side, rng);
    if (this.quits(yield this.req(E.search[side], { side, query }), rng)) return;
    yield this.req(E.assuranceTypes);
    yield this.req(E.contacts);
    if (rng.next() < 0.05) yield this.req(E.addContact);
    if (rng.next() < 0.2) yield this.req(E.foods, { side });
    const flags = [rng.next() < 0.5 && 'assurance', rng.next() < 0.5 && 'consign', rng.next() < 0.1 && 'food', rng.next() < 0.005 && 'pastDate'];
    if (this.quits(yield this.req(E.preserve[side], { side, query, flags }), rng)) return;
    if (rng.next() < 0.25) {
      for (const r of this.refreshes(side, rng)) yield r;
      if (rng.next() < 0.3) yield this.req(E.refound, { side });
      yield this.req(E.cancel, { side });
      return;
    }
    for (const r of this.refreshes(side, rng)) yield r;
    if (this.quits(yield this.req(E.pay, { side, flags: [rng.next() < 0.02 && 'notPayable'] }), rng)) return;
    for (const r of this.refreshes(side, rng)) yield r;
    if (this.quits(yield this.req(E.collect, { side }), rng)) return;
    for (const r of this.refreshes(side, rng)) yield r;
    yield this.req(E.enter, { side });
    if (rng.next() < 0.15) yield this.req(E.voucher, { side, flags: [rng.next() < 0.7 && 'newVoucher'] });
  }

  private *browse(rng: Random): Session {
    if (rng.next() < 0.3 && !(yield* this.login(rng))) return;
    const searches = 1 + rng.int(3);
    for (let i = 0; i < searches; i++) {
      const side: Side = rng.next() < 0.6 ? 'hs' : 'normal';
      if (this.quits(yield this.req(E.search[side], { side, query: this.query(side, rng) }), rng)) return;
    }
    if (rng.next() < 0.5) yield this.req(E.foods, { side: rng.next() < 0.7 ? 'hs' : 'normal' });
    if (rng.next() < 0.2) yield this.req(E.stationName);
  }

  private *plan(rng: Random): Session {
    if (rng.next() < 0.5 && !(yield* this.login(rng))) return;
    const plans: Plan[] = ['cheapest', 'quickest', 'minStop'];
    const plan = plans[rng.int(3)];
    yield this.req(E.plan[plan], { query: PLAN_QUERY, plan });
  }

  private *rebook(rng: Random): Session {
    if (!(yield* this.login(rng))) return;
    const old: Side = rng.next() < 0.6 ? 'hs' : 'normal';
    for (const r of this.refreshes(old, rng)) yield r;
    // a rebook keeps the train type but for the occasional one that changes it (and fails on the 405)
    const side: Side = rng.next() < 0.97 ? old : old === 'hs' ? 'normal' : 'hs';
    if (this.quits(yield this.req(E.search[side], { side, query: this.query(side, rng) }), rng)) return;
    // most auto-query rebooks find the order not PAID and stop after the lookup
    const paid = rng.next() < 0.45;
    const u = rng.next();
    const price = u < 0.3 ? 'dearer' : u < 0.6 ? 'cheaper' : 'samePrice';
    const r = yield this.req(E.rebook, { side, old, flags: [paid && 'paid', price] });
    if (r.ok && paid && price === 'dearer') yield this.req(E.difference, { side, old });
  }

  private *orders(rng: Random): Session {
    if (!(yield* this.login(rng))) return;
    const side: Side = rng.next() < 0.6 ? 'hs' : 'normal';
    for (const r of this.refreshes(side, rng)) yield r;
    if (rng.next() < 0.5) {
      yield this.req(E.consignOfOrder);
      yield this.req(E.consign, { flags: [rng.next() < 0.9 && 'priced'] });
      if (rng.next() < 0.5) yield this.req(E.consignsOfAccount);
    }
    if (rng.next() < 0.7) yield this.req(E.voucher, { side, flags: [rng.next() < 0.7 && 'newVoucher'] });
    if (rng.next() < 0.3) yield this.req(E.cancel, { side });
    if (rng.next() < 0.5) yield this.req(E.stationName);
  }

  private *info(rng: Random): Session {
    const visits = 1 + rng.int(3);
    for (let i = 0; i < visits; i++) {
      const u = rng.next();
      if (u < 0.28) yield this.req(E.news);
      else if (u < 0.48) {
        yield this.req(E.regions);
        yield this.req(E.offices);
      } else if (u < 0.7) yield this.req(E.stationName);
      else yield this.req(E.avatar);
    }
  }

  private *admin(rng: Random): Session {
    if (!(yield* this.login(rng))) return;
    for (const id of this.adminQueries) if (this.quits(yield this.req(id, { side: rng.next() < 0.6 ? 'hs' : 'normal' }), rng)) return;
    if (rng.next() < 0.3) for (const id of this.adminWrites) yield this.req(id, { side: rng.next() < 0.6 ? 'hs' : 'normal', flags: [rng.next() < 0.5 && 'nameTaken'] });
    if (rng.next() < 0.3) yield this.req(E.register, { flags: [rng.next() < 0.1 && 'nameTaken'] });
  }
}
