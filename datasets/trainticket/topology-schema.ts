/**
 * The project's own TrainTicket topology (datasets/trainticket/topology.json), derived by derive-topology.ts from
 * the shared reading of FudanSELab/train-ticket (../shared/datasets/trainticket-topology/). It holds only what the
 * simulator needs: services, the endpoints reachable from the user flows with their calls in code order, the
 * branch / loop / early-exit structure as small condition expressions, the flows' client steps and the seed trips.
 *
 * Condition expressions (`if`): alternatives joined by `|`, each a conjunction of terms joined by `&`:
 *   `side=hs` / `side=normal`   the train type of the trip or order the request is about (G/D = high speed);
 *                               inside a loop, the side of the current item
 *   `old=hs`, `old=normal`      rebook: the side of the order being changed (`side` is the new trip's side)
 *   `same`                      rebook: old and new trip on the same side
 *   `flag:NAME`                 a per-request option the workload draws (assurance, consign, food, paid, ...)
 *   `item`                      loop over trips: the trip's route contains the query's start before its end
 *   `first`                     loop over trips: the trip starts at the query's start station
 *   `ok:K` / `failed:K`         the call at code position K of this handler succeeded / failed
 * A term may be negated with `!`.
 */
export type WorkClass = 'logic' | 'read' | 'write' | 'cache' | 'static' | 'sql' | 'cpu' | 'image' | 'auth' | 'mail';

/** `trips`: the trips of the handler's own collection; `results`: the route plan's top results;
 * `minStop`: trips on the routes with the fewest stops between the query's stations. */
export type LoopOver = 'trips' | 'results' | 'minStop';

export interface CallSpec {
  call: string;
  /** Position in the handler's code (calls sharing it are alternatives). */
  order: number;
  if?: string;
  /** What the handler does when the call fails: propagate the error (default), carry on, or return normally. */
  onFail?: 'continue' | 'return';
}

export interface LoopSpec {
  loop: LoopOver;
  body: CallSpec[];
}

/** An early exit: when the condition holds at this point, the handler returns with this status. */
export interface ExitSpec {
  exit: string;
  if: string;
}

export type StepSpec = CallSpec | LoopSpec | ExitSpec;

export interface EndpointSpec {
  id: string;
  work: WorkClass;
  steps: StepSpec[];
  /** A fixed status the endpoint answers with (a call to a path without handler gets 405). */
  status?: string;
}

export interface TripSpec {
  id: string;
  route: string[];
}

export interface TopologyFile {
  format: 'traceanomaly-trainticket-topology';
  version: 1;
  source: string;
  /** The ingress (nginx) every client request passes through: the root of every trace. */
  entry: string;
  services: { name: string; port: number; runtime: string }[];
  endpoints: EndpointSpec[];
  /** Flow name -> the endpoints of its client steps (each step a separate request, so a separate trace). */
  flows: Record<string, string[]>;
  /** Seed trips of ts-travel-service (hs) and ts-travel2-service (normal), routes as station ids. */
  trips: { hs: TripSpec[]; normal: TripSpec[] };
}

export const isLoop = (s: StepSpec): s is LoopSpec => 'loop' in s;
export const isExit = (s: StepSpec): s is ExitSpec => 'exit' in s;
export const serviceOf = (endpointId: string): string => endpointId.slice(0, endpointId.indexOf(':'));
