import type { CellSpec } from '../../lib/contracts/experiment.ts';
import type { MethodEntry } from './registry.ts';

/** Shard `index` of `count` (1-based: `--shard 1/3` .. `--shard 3/3`, as Slurm's `--array=1-3` numbers its tasks). */
export interface Shard {
  index: number;
  count: number;
}

/** `I/N` with 1 <= I <= N; the reason it is not one otherwise. */
export function parseShard(text: string): Shard | string {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return `--shard must be I/N (shard I of N, e.g. 2/3), found "${text}"`;
  const [index, count] = [Number(m[1]), Number(m[2])];
  if (count < 1 || index < 1 || index > count) return `--shard ${text}: I must be 1 to N (N >= 1)`;
  return { index, count };
}

/**
 * A cell's estimated cost: its method's `cost` estimate where the method has one (src/harness/experiments/builtins.ts),
 * else 1. Only the ratios between cells matter.
 */
export function cellCost(method: MethodEntry, spec: CellSpec, quick: boolean): number {
  const c = method.cost?.({ seed: spec.seed, quick, options: spec.options });
  return c !== undefined && Number.isFinite(c) && c > 0 ? c : 1;
}

/**
 * The cells of one shard, as indices into the plan's cell list, in plan order. The partition depends only on the
 * list and the costs, never on what is on disk, so that every shard computes the same partition on its own:
 * cells are taken by estimated cost, highest first (equal costs in plan order), and each goes to the shard with
 * the least estimated cost so far (the lowest-numbered on a tie): the greedy longest-processing-time rule. With
 * equal costs this deals the cells out in turn; no shard gets more than its share plus the largest cell.
 */
export function shardCells(costs: readonly number[], shard: Shard): number[] {
  const order = costs.map((_, i) => i).sort((a, b) => costs[b] - costs[a] || a - b);
  const load = new Array<number>(shard.count).fill(0);
  const owner = new Array<number>(costs.length);
  for (const i of order) {
    let s = 0;
    for (let t = 1; t < shard.count; t++) if (load[t] < load[s]) s = t;
    owner[i] = s;
    load[s] += costs[i];
  }
  return costs.map((_, i) => i).filter((i) => owner[i] === shard.index - 1);
}
