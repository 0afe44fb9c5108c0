import { describe, expect, it } from 'vitest';
import { CallPathList } from '../../src/lib/callpaths/call-path-list.ts';
import { encodeTraces } from '../../src/lib/stv/encode.ts';
import { summarizeStv } from '../../src/lib/stv/summary.ts';
import { Random } from '../../src/lib/util/random.ts';
import { buildTrace } from '../../datasets/sim/engine.ts';
import { generateService, RATE_LIMITED_API } from '../../datasets/services/generate.ts';
import { SERVICES_PRESETS, simulateService } from '../../datasets/services/simulate.ts';
import { TABLE_I } from '../../datasets/services/table1.ts';

const ctx = { side: 'hs' as const, old: 'hs' as const, flags: new Set<string>(), items: () => [] };

describe('company-S-like services (Table I)', () => {
  it.each(TABLE_I.map((s) => [s.name, s] as const))('%s has Table I microservices, STV dimensions and structures', (_name, spec) => {
    const svc = generateService(spec);
    // one trace per structure, expanded by the engine, as the project's call paths see them
    const rng = new Random(1);
    const traces = svc.templates.map((t, i) => ({ id: `t${i}`, calls: buildTrace(t.entry, 1e12, { rng, request: ctx, faults: [], load: 0 }).calls }));
    const list = CallPathList.fromTraces(traces);
    expect(new Set(traces.flatMap((t) => t.calls.map((c) => c.callee))).size).toBe(spec.microservices);
    expect(list.width).toBe(spec.dimensions);
    expect(summarizeStv(encodeTraces(list, traces).matrix).distinctValidSets).toBe(spec.structures);
    expect(svc.templates.reduce((a, t) => a + t.weight, 0)).toBeCloseTo(1, 9);
  });

  it('simulates a day with incidents in internal microservices and external services', () => {
    const spec = TABLE_I[1];
    const ds = simulateService(spec, { ...SERVICES_PRESETS.quick, fraction: 0.02 });
    const train = ds.train.traces!;
    expect(train.length).toBeGreaterThan(0.015 * spec.tracesPerDay);
    expect(CallPathList.fromTraces(train).width).toBe(spec.dimensions);
    const labels = [...ds.test.labels!.values()];
    const anomalous = labels.filter((l) => l.label === 1);
    expect(Math.abs(anomalous.length / spec.anomalous - 1)).toBeLessThan(0.5);
    expect(anomalous.some((l) => l.rootCause!.startsWith('external:'))).toBe(true);

    expect(anomalous.some((l) => l.anomalyType === 'path' && !l.rootCause!.startsWith('external:'))).toBe(true);
    expect(ds.faults.filter((f) => f.external !== undefined)).toHaveLength(spec.externalIncidents);
    // the rate-limited external API answers with its fault code in normal traffic
    const svc = generateService(spec);
    const limited = train.filter((t) => t.calls.some((c) => c.callee === svc.externals.get(RATE_LIMITED_API) && c.status === '429'));
    expect(limited.length).toBeGreaterThan(0);
  });

  it('labels the outage of an external service with the microservice that calls it (the root cause in the paper)', () => {
    const spec = TABLE_I[2]; // service-3: external incidents, some of them outages at seed 1
    const ds = simulateService(spec, { ...SERVICES_PRESETS.quick, fraction: 0.02 });
    const callerOf = generateService(spec).externals;
    const outages = [...ds.test.labels!.values()].filter((l) => l.label === 1 && l.anomalyType === 'path' && l.rootCause!.startsWith('external:'));
    expect(outages.length).toBeGreaterThan(0);
    for (const l of outages) {
      const [ext, caller] = l.rootCause!.slice('external:'.length).split(';');
      expect(caller).toBe(callerOf.get(ext));
    }
  });
});
