import { createWriteStream } from 'node:fs';
import { createGzip } from 'node:zlib';
import type { Writable } from 'node:stream';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { checkOutputFile, removeAbandonedPartials } from './outputs.ts';
import { HOST } from './temp-files.ts';
import { tempPath } from './temp-files.ts';

const isGzip = (path: string) => /\.gz$/i.test(path);

/**
 * Writes a file under a temporary name in the same folder (`<path>.tmp-<host>-<pid>`, src/lib/util/temp-files.ts),
 * then renames it: a failed run leaves no partial file, and writers on many hosts of a shared file system never
 * see each other's half-written files (a rename within a folder is atomic on NFS too).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempPath(path);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Streams lines into a file (no rename), gzipped when asked; on failure the file is removed. */
async function writeLines(path: string, lines: Iterable<string>, gzip = false): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const file = createWriteStream(path);
  let out: Writable = file;
  let closed: Promise<void> | undefined;
  if (gzip) {
    out = createGzip();
    out.pipe(file);
    closed = new Promise<void>((resolve, reject) => {
      file.once('finish', () => resolve());
      file.once('error', reject);
    });
  }
  try {
    let buffer = '';
    for (const line of lines) {
      buffer += line;
      buffer += '\n';
      if (buffer.length > 1 << 20) {
        if (!out.write(buffer)) await new Promise<void>((r) => out.once('drain', () => r()));
        buffer = '';
      }
    }
    out.write(buffer);
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    await closed;
  } catch (e) {
    out.destroy();
    file.destroy();
    await rm(path, { force: true }).catch(() => undefined);
    throw e;
  }
}

/** Streams lines into a file under a temporary name, renamed when all were written; a `.gz` path is gzipped. */
export async function writeLinesAtomic(path: string, lines: Iterable<string>): Promise<void> {
  const tmp = tempPath(path);
  await writeLines(tmp, lines, isGzip(path));
  await rename(tmp, path);
}

/**
 * A set of output files written together: each is written under a temporary name (`<file>.partial-<host>-<pid>`),
 * and all are renamed only by `commit()`; `abort()` (or a failure before commit) removes them.
 *
 * A command owns its output set: `owned` lists every file it writes in one run or another. `open()` checks up
 * front that each can be written and removes the partial files a killed run left of them; `commit()` removes
 * the owned files this run did not write (an earlier run's unseen.csv, say), so that a folder never mixes two
 * runs' outputs. No other file is ever touched.
 */
export class OutputSet {
  private readonly pending: { tmp: string; path: string }[] = [];

  constructor(private readonly owned: readonly string[] = []) {}

  /** The output set of a command that owns `owned`: checked, and cleared of dead runs' partial files. */
  static async open(owned: readonly string[]): Promise<OutputSet> {
    for (const f of owned) await checkOutputFile(f);
    await removeAbandonedPartials(owned);
    return new OutputSet(owned);
  }

  private begin(path: string): string {
    if (this.owned.length > 0 && !this.owned.includes(path)) throw new Error(`${path} is not one of the outputs this command owns`);
    const tmp = `${path}.partial-${HOST}-${process.pid}`;
    this.pending.push({ tmp, path });
    return tmp;
  }

  /** Streams lines into `path` (gzipped when it ends in `.gz`), to appear at `commit()`. */
  async text(path: string, lines: Iterable<string>): Promise<void> {
    await writeLines(this.begin(path), lines, isGzip(path));
  }

  async bytes(path: string, data: Uint8Array): Promise<void> {
    const tmp = this.begin(path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, data);
  }

  async commit(): Promise<void> {
    const written = new Set(this.pending.map((p) => p.path));
    for (const { tmp, path } of this.pending) await rename(tmp, path);
    this.pending.length = 0;
    for (const path of this.owned) if (!written.has(path)) await rm(path, { force: true });
  }

  /** Removes the temporary files; a failure to remove one never hides the error that made the command abort. */
  async abort(): Promise<void> {
    for (const { tmp } of this.pending) await rm(tmp, { force: true }).catch(() => undefined);
    this.pending.length = 0;
  }
}
