import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CellStore } from '../../src/harness/experiments/cell-store.ts';
import { HOST, tempOwner, tempPath } from '../../src/lib/util/temp-files.ts';
import { writeFileAtomic } from '../../src/lib/util/atomic-write.ts';
import { tempDir } from '../helpers/files.ts';

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid!;
}

describe('cell store with many writers', () => {
  it('writes under a temporary name that carries host and pid, and leaves only the final file', async () => {
    expect(tempPath('/x/c.json', 'node-7.cluster', 1234)).toBe('/x/c.json.tmp-node-7.cluster-1234');
    expect(tempOwner('c.json.tmp-node-7.cluster-1234')).toEqual({ host: 'node-7.cluster', pid: 1234 });
    expect(tempOwner(`c.json.tmp-${HOST}-${process.pid}`)).toEqual({ host: HOST, pid: process.pid });
    // the names of older versions: a pid only
    expect(tempOwner('c.json.tmp-99')).toEqual({ host: null, pid: 99 });
    expect(tempOwner('c.json')).toBeNull();
    const dir = tempDir();
    await writeFileAtomic(join(dir, 'c.json'), '{}');
    expect(readdirSync(dir)).toEqual(['c.json']);
  });

  it("removes the temporary files of dead writers on this host and old ones of other hosts, never a live writer's", async () => {
    const dir = tempDir();
    const live = spawn('sleep', ['60']);
    try {
      const dead = deadPid();
      const file = (suffix: string) => `m--d--s1--0123456789abcdef.json${suffix}`;
      const names = {
        liveHere: file(`.tmp-${HOST}-${live.pid}`),
        deadHere: file(`.tmp-${HOST}-${dead}`),
        legacyDead: file(`.tmp-${dead}`),
        legacyLive: file(`.tmp-${live.pid}`),
        otherFresh: file('.tmp-other-host.example-12'),
        otherOld: file('.tmp-other-host.example-13'),
        finished: file(''),
      };
      for (const n of Object.values(names)) writeFileSync(join(dir, n), '{"trunc');
      const twoHoursAgo = (Date.now() - 2 * 3600_000) / 1000;
      utimesSync(join(dir, names.otherOld), twoHoursAgo, twoHoursAgo);
      expect(await new CellStore(dir).cleanPartial()).toBe(3);
      expect(readdirSync(dir).sort()).toEqual([names.finished, names.otherFresh, names.liveHere, names.legacyLive].sort());
    } finally {
      live.kill();
    }
  });
});
