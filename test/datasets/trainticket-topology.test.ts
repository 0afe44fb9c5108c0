import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deriveTopology, PROJECT_TOPOLOGY, SHARED_TOPOLOGY, topologyText, type Source } from '../../datasets/trainticket/derive-topology.ts';
import { buildModel, loadTopology } from '../../datasets/trainticket/model.ts';
import { isExit, isLoop, serviceOf } from '../../datasets/trainticket/topology-schema.ts';
import type { Endpoint } from '../../datasets/sim/model.ts';

describe('TrainTicket topology', () => {
  const topo = loadTopology();

  it('has the 42 services of the reading (41 ts-*-service and the ingress) and resolves every call', () => {
    expect(topo.services).toHaveLength(42);
    expect(topo.services.filter((s) => /^ts-.*-service$/.test(s.name))).toHaveLength(41);
    const ids = new Set(topo.endpoints.map((e) => e.id));
    for (const e of topo.endpoints) {
      for (const s of e.steps) {
        if (isExit(s)) continue;
        for (const c of isLoop(s) ? s.body : [s]) expect(ids.has(c.call), `${e.id} -> ${c.call}`).toBe(true);
      }
    }
    for (const steps of Object.values(topo.flows)) for (const id of steps) expect(ids.has(id), id).toBe(true);
  });

  it('keeps code order and the branch structure of the reading (preserve, search)', () => {
    const preserve = topo.endpoints.find((e) => e.id === 'ts-preserve-service:POST /api/v1/preserveservice/preserve')!;
    const calls = preserve.steps.filter((s) => 'call' in s).map((s) => serviceOf((s as { call: string }).call));
    expect(calls.slice(0, 8)).toEqual([
      'ts-security-service', 'ts-contacts-service', 'ts-travel-service', 'ts-station-service', 'ts-station-service',
      'ts-ticketinfo-service', 'ts-seat-service', 'ts-order-service',
    ]);
    const search = topo.endpoints.find((e) => e.id === 'ts-travel-service:POST /api/v1/travelservice/trips/left')!;
    const loop = search.steps.find(isLoop)!;
    expect(loop.loop).toBe('trips');
    expect(loop.body).toHaveLength(10);
  });

  it('expands a Shang Hai -> Su Zhou search into the 48 downstream calls the reading counts', () => {
    // count the calls of an expansion by hand-walking the compiled model (every condition of the G/D search holds
    // for the one matching trip, D1345)
    const model = buildModel(topo);
    const q = { from: 'shanghai', to: 'suzhou' };
    const count = (ep: Endpoint, side: 'hs' | 'normal'): number => {
      let n = 0;
      for (const s of ep.steps) {
        if (s.kind === 'exit') continue;
        if (s.kind === 'loop') {
          for (const item of model.items(s.over, ep, q, 'cheapest')) {
            for (const c of s.body) if (c.cond === null || c.cond({ side: item.side, item, made: ~0, failed: 0 }, { side, old: side, flags: new Set(), items: () => [] })) n += 1 + count(c.to, item.side);
          }
        } else if (s.cond === null || s.cond({ side, item: null, made: ~0, failed: 0 }, { side, old: side, flags: new Set(), items: () => [] })) n += 1 + count(s.to, side);
      }
      return n;
    };
    expect(count(model.endpoint('ts-travel-service:POST /api/v1/travelservice/trips/left'), 'hs')).toBe(48);
  });

  it.skipIf(!existsSync(SHARED_TOPOLOGY))('is what derive-topology.ts makes of the shared reading', () => {
    const derived = topologyText(deriveTopology(JSON.parse(readFileSync(SHARED_TOPOLOGY, 'utf8')) as Source));
    expect(derived).toBe(readFileSync(PROJECT_TOPOLOGY, 'utf8'));
  });
});
