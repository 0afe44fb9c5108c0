// npm run bench:stv -- STV encoding and Jaeger parsing throughput on one core.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallPathList } from '../src/lib/callpaths/call-path-list.ts';
import { ABSENT } from '../src/lib/stv/matrix.ts';
import { readJaeger } from '../src/lib/readers/jaeger.ts';
import { syntheticTraces, toJaegerJson } from './synthetic-traces.ts';

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

async function main() {
  const N = 100_000;
  const traces = syntheticTraces(N, 50, 8);
  for (const definition of ['prefix', 'ancestors'] as const) {
    const list = CallPathList.fromTraces(traces.slice(0, 1000), { definition });
    const row = new Float32Array(list.width);
    // warm-up, then timed passes
    for (let i = 0; i < 5000; i++) {
      row.fill(ABSENT);
      list.encodeInto(traces[i], row);
    }
    let best = 0;
    for (let rep = 0; rep < 3; rep++) {
      const t0 = performance.now();
      for (let i = 0; i < N; i++) {
        row.fill(ABSENT);
        list.encodeInto(traces[i], row);
      }
      best = Math.max(best, N / ((performance.now() - t0) / 1000));
    }
    console.log(`stv encode (${definition}, 50 calls/trace, ${list.width} dims): ${fmt(best)} traces/s`);
  }

  const dir = await mkdtemp(join(tmpdir(), 'bench-jaeger-'));
  try {
    const file = join(dir, 'jaeger.json');
    const text = toJaegerJson(traces.slice(0, 3_000));
    await writeFile(file, text);
    const mb = Buffer.byteLength(text) / 1e6;
    let best = 0;
    let count = 0;
    for (let rep = 0; rep < 3; rep++) {
      const t0 = performance.now();
      count = 0;
      for await (const _ of readJaeger(file)) count++;
      best = Math.max(best, mb / ((performance.now() - t0) / 1000));
    }
    console.log(`jaeger parse: ${best.toFixed(1)} MB/s (${mb.toFixed(0)} MB, ${fmt(count)} traces, 50 calls = 99 spans each)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
