import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';

/**
 * Temporary files of atomic writes, safe with many writers on a shared file system (NFS: many hosts, no locks
 * to rely on). A temporary name carries the writer's host and pid, `<file>.tmp-<host>-<pid>`, so that writers on
 * two hosts with the same pid never share one, and a later run can tell whose file it finds: on its own host it
 * asks whether that pid still runs; on another host it cannot, and leaves the file unless it is older than
 * STALE_TEMP_AGE_MS (a temporary file lives for one write, well under a second; the margin also covers clocks
 * of two hosts that differ).
 */
export const STALE_TEMP_AGE_MS = 60 * 60 * 1000;

/** This host's name as it goes into file names: letters, digits, '.', '-', '_' only, at most 40 characters. */
export const HOST = hostname().replace(/[^A-Za-z0-9.-]+/g, '_').slice(0, 40) || 'host';

/** The temporary name this process writes `path` under. */
export const tempPath = (path: string, host = HOST, pid = process.pid): string => `${path}.tmp-${host}-${pid}`;

/** Who wrote a temporary file: its host (null for the names of older versions, `.tmp-<pid>`, written on this host's assumption) and pid. */
export interface TempOwner {
  host: string | null;
  pid: number;
}

/** The owner named by a temporary file's name, or null when the name is not one. */
export function tempOwner(name: string): TempOwner | null {
  const m = /\.tmp-(?:(.+)-)?(\d+)$/.exec(name);
  return m ? { host: m[1] ?? null, pid: Number(m[2]) } : null;
}

/** Whether a process with this pid runs on this host (one of another user's counts: EPERM). */
export function pidRuns(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a temporary file was left by a writer that will never finish it: on this host (or an older name
 * without a host) when its pid no longer runs; on another host only when it is older than `maxAgeMs`.
 */
export async function abandonedTemp(path: string, owner: TempOwner, now = Date.now(), maxAgeMs = STALE_TEMP_AGE_MS): Promise<boolean> {
  if (owner.host === null || owner.host === HOST) return !pidRuns(owner.pid);
  const s = await stat(path).catch(() => null);
  return s !== null && now - s.mtimeMs > maxAgeMs;
}
