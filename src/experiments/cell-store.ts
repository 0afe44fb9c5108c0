import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CellResult } from '../contracts/experiment.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { abandonedTemp, tempOwner } from '../util/temp-files.ts';

const slug = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);

/** One JSON file per finished cell, named by method, dataset, seed and key, written atomically. */
export class CellStore {
  constructor(readonly dir: string) {}

  path(method: string, dataset: string, seed: number, key: string): string {
    return join(this.dir, `${slug(method)}--${slug(dataset)}--s${seed}--${key.slice(0, 16)}.json`);
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
   * folder (on this host or another) may be in the middle of a write (see src/util/temp-files.ts).
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
