// npm run bench:sim [-- quick|paper] -- simulation throughput on one core: the TrainTicket preset generated in
// memory (train + test traces with labels), then written as Jaeger JSON (gzipped) to a temporary folder.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTraceFile } from '../src/lib/writers/write-traces.ts';
import { simulateTrainTicket, TRAINTICKET_PRESETS, type TrainTicketPreset } from '../datasets/trainticket/simulate.ts';

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const preset = (process.argv[2] ?? 'paper') as TrainTicketPreset;

const t0 = performance.now();
const ds = simulateTrainTicket(TRAINTICKET_PRESETS[preset], preset);
const sec = (performance.now() - t0) / 1000;
const train = ds.train.traces!;
const test = ds.test.traces!;
const n = train.length + test.length;
const calls = [...train, ...test].reduce((a, t) => a + t.calls.length, 0);
const heap = process.memoryUsage().heapUsed / 1e9;
console.log(`trainticket ${preset} in memory: ${fmt(train.length)} train + ${fmt(test.length)} test traces (${fmt(calls)} calls) in ${sec.toFixed(1)} s: ${fmt(n / sec)} traces/s, heap ${heap.toFixed(1)} GB`);

const dir = await mkdtemp(join(tmpdir(), 'bench-sim-'));
try {
  const sample = test.slice(0, 20_000);
  const t1 = performance.now();
  await writeTraceFile(join(dir, 'test.json.gz'), sample, 'jaeger');
  const wsec = (performance.now() - t1) / 1000;
  console.log(`jaeger writer (gzip): ${fmt(sample.length / wsec)} traces/s`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
