import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CellResult } from '../../lib/contracts/experiment.ts';
import { writeFileAtomic } from '../../lib/util/atomic-write.ts';
import { abandonedTemp, tempOwner } from '../../lib/util/temp-files.ts';

const slug = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);

/** `<method>--<dataset>--s<seed>--<first 16 hex digits of the key>.json` */
const CELL_FILE = /--s-?\d+--[0-9a-f]{16}\.json$/;

/** One JSON file per finished cell, named by method, dataset, seed and key, written atomically. */
export class CellStore {
  constructor(readonly dir: string) {}

  path(method: string, dataset: string, seed: number, key: string): string {
    return join(this.dir, `${slug(method)}--${slug(dataset)}--s${seed}--${key.slice(0, 16)}.json`);
  }

  /** The names of the finished cell files (no temporary ones), sorted. */
  async list(): Promise<string[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return names.filter((n) => CELL_FILE.test(n)).sort();
  }

  /** The seeds of a method on a dataset that cell files among `names` hold (by their names; their keys are not checked). */
  seedsIn(names: readonly string[], method: string, dataset: string): number[] {
    const prefix = `${slug(method)}--${slug(dataset)}--s`;
    const seeds: number[] = [];
    for (const n of names) {
      if (!n.startsWith(prefix)) continue;
      const m = /^(-?\d+)--[0-9a-f]{16}\.json$/.exec(n.slice(prefix.length));
      if (m) seeds.push(Number(m[1]));
    }
    return seeds;
  }

  /** What changes when a cell is written or rewritten: the finished cell files with their sizes and times. */
  async snapshot(): Promise<string> {
    const names = await this.list();
    const stats = await Promise.all(names.map((n) => stat(join(this.dir, n)).then((s) => `${n} ${s.size} ${s.mtimeMs}`, () => '')));
    return stats.join('\n');
  }

  /** The finished result with this key, or null (missing, unreadable, or another key). */
  async find(path: string, key: string): Promise<CellResult | null> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      return null;
    }
    try {
      const r = JSON.parse(text, reviveNumbers) as CellResult;
      return r.key === key ? r : null;
    } catch {
      return null;
    }
  }

  async write(path: string, result: CellResult): Promise<void> {
    await writeFileAtomic(path, `${JSON.stringify(result, replaceNumbers, 1)}\n`);
  }

  /**
   * Removes the temporary files that killed runs left behind, and only those: another run writing into the same
   * folder (on this host or another) may be in the middle of a write (see src/lib/util/temp-files.ts).
   */
  async cleanPartial(): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return 0;
    }
    const now = Date.now();
    const abandoned = await Promise.all(
      names.map(async (n) => {
        const owner = tempOwner(n);
        return owner !== null && (await abandonedTemp(join(this.dir, n), owner, now)) ? n : null;
      }),
    );
    const gone = abandoned.filter((n) => n !== null);
    await Promise.all(gone.map((n) => rm(join(this.dir, n), { force: true })));
    return gone.length;
  }
}

/** JSON has no NaN or infinities: they are written as the strings "NaN", "Infinity", "-Infinity" ... */
export function replaceNumbers(_k: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}

/** ... and read back as numbers. */
export function reviveNumbers(_k: string, v: unknown): unknown {
  return v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v;
}
