// npm run bench:model-ab -- DIR_A DIR_B -- training speed of two checkouts of this repository, compared in one
// process with their epochs interleaved (A B, B A, A B, ...), so that drift in the machine's speed hits both
// alike. On a shared VM whose speed drifts by 30% within an hour, separate `bench:model` runs cannot resolve
// changes of a few percent; the median of per-round ratios measured this way resolves some 4% (a checkout
// against itself gave 0.999, 1.003, 1.035): repeat with the order swapped.
// Each checkout needs its own node_modules (a symlink to this one's will do). Options: --rounds N (default 12),
// --workers N (default 2). Paper size: D = 482, K = 10, batch 256, 12 batches a round.
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Random } from '../src/lib/util/random.ts';
import { syntheticStvRows } from './synthetic-traces.ts';
import { exitOnError } from '../src/harness/cli/script.ts';

interface Engine {
  epoch(order: Int32Array, lr: number, firstStep: number): Promise<void>;
  close(): Promise<void>;
}

exitOnError('bench:model-ab');
const { values: o, positionals } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string' }, workers: { type: 'string' } } });
if (positionals.length !== 2) {
  console.error('usage: npm run bench:model-ab -- DIR_A DIR_B [--rounds N] [--workers N]');
  process.exit(2);
}
const roots = positionals.map((p) => resolve(p));
const D = 482;
const N = 256 * 12;
const workers = Number(o.workers ?? 2);

/** Opens a training engine with the checkout's own code on the same synthetic data. */
async function open(checkout: string): Promise<Engine> {
  // the library moved to src/lib/ (issue 20); an older checkout keeps it directly under src/
  const root = existsSync(`${checkout}/src/lib`) ? `${checkout}/src/lib` : `${checkout}/src`;
  const { useBackend } = await import(`${root}/backend/backend.ts`);
  await useBackend('wasm');
  const { DEFAULT_VAE } = await import(`${root}/model/config.ts`);
  const { openEngine } = await import(`${root}/model/trainer.ts`);
  const { DEFAULT_TRAIN } = await import(`${root}/model/train-options.ts`);
  const { FlowVae } = await import(`${root}/model/vae.ts`);
  const model = new FlowVae({ ...DEFAULT_VAE, inputDim: D });
  const rng = new Random(1);
  const x = syntheticStvRows(N, D, rng);
  return openEngine(model, model.initialParams(rng), x, { ...DEFAULT_TRAIN, workers });
}

const engines: Engine[] = [];
for (const root of roots) engines.push(await open(root));
try {
  const order = new Random(2).permutation(N);
  for (const e of engines) await e.epoch(order.subarray(0, 256 * 4), 1e-3, 0); // warm-up
  const rates: number[][] = [[], []];
  const rounds = Number(o.rounds ?? 12);
  for (let r = 0; r < rounds; r++) {
    for (const i of r % 2 === 0 ? [0, 1] : [1, 0]) {
      const t0 = performance.now();
      await engines[i].epoch(order, 1e-3, (r + 1) * 12);
      rates[i].push(N / ((performance.now() - t0) / 1000));
    }
  }
  const median = (a: number[]) => {
    const s = [...a].sort((x, y) => x - y);
    return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const fmt = (v: number) => Math.round(v).toLocaleString('en-US');
  roots.forEach((root, i) => console.log(`${'AB'[i]} ${root}: median ${fmt(median(rates[i]))} samples/s, best ${fmt(Math.max(...rates[i]))} (rounds ${rates[i].map(fmt).join(' ')})`));
  const ratio = rates[1].map((v, j) => v / rates[0][j]);
  const sorted = [...ratio].sort((x, y) => x - y);
  const quartile = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  console.log(`B / A per round: median ${median(ratio).toFixed(3)}, quartiles ${quartile(0.25).toFixed(2)}-${quartile(0.75).toFixed(2)} (${ratio.map((v) => v.toFixed(2)).join(' ')}); ${workers} worker threads, batch 256, D ${D}`);
  console.log('a checkout against itself gives a median near 1.00; one run resolves differences of a few percent at best: repeat it with the order swapped');
} finally {
  for (const e of engines) await e.close();
}
