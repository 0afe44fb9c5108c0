import { constants } from 'node:fs';
import { access, readdir, realpath, rm, stat, statfs } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError } from './errors.ts';
import { abandonedTemp } from './temp-files.ts';

/** Kernel and pseudo file systems (statfs magic numbers, Linux): nothing can be written there, and Node's recursive mkdir can hang on /proc. */
const PSEUDO_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x62656570, 'configfs'],
  [0x6165676c, 'pstore'],
  [0xcafe4a11, 'bpf'],
  [0xde5e81e4, 'efivarfs'],
  [0x1cd1, 'devpts'],
  [0x19800202, 'mqueue'],
  [0x42494e4d, 'binfmt_misc'],
  [0x65735543, 'fusectl'],
  [0xf97cc7a, 'selinuxfs'],
]);
const PSEUDO_ROOTS = ['/proc', '/sys'];

const errno = (e: unknown) => (e as NodeJS.ErrnoException).code;

/**
 * Checks, before any work, that a command can write the output file `path` (its folder may not exist yet): the
 * nearest existing folder on the way must be a writable folder on a real file system, and `path` itself, when it
 * exists, a file. Creates nothing.
 */
export async function checkOutputFile(path: string): Promise<void> {
  const abs = resolve(path);
  // a folder of the path as the user wrote it (absolute when the path was)
  const shown = (p: string) => (isAbsolute(path) ? p : relative(process.cwd(), p) || '.');
  let probe = abs;
  let found: Awaited<ReturnType<typeof stat>> | undefined;
  for (;;) {
    try {
      found = await stat(probe);
      break;
    } catch (e) {
      if (errno(e) !== 'ENOENT' && errno(e) !== 'ENOTDIR') throw new InputError({ file: path }, `cannot write there: ${(e as Error).message}`);
      const up = dirname(probe);
      if (up === probe) throw new InputError({ file: path }, 'cannot write there: no folder of the path exists');
      probe = up;
    }
  }
  const real = join(await realpath(probe), relative(probe, abs));
  const root = PSEUDO_ROOTS.find((r) => real === r || real.startsWith(`${r}${sep}`));
  const fsType = process.platform === 'linux' ? PSEUDO_FILE_SYSTEMS.get((await statfs(probe)).type) : undefined;
  if (root !== undefined || fsType !== undefined) {
    throw new InputError({ file: path }, `is on ${fsType ?? root}, a kernel file system where outputs cannot be written; give a path on a disk`);
  }
  if (probe === abs) {
    if (found.isDirectory()) throw new InputError({ file: path }, 'is a folder; an output file goes there');
    probe = dirname(abs);
    found = await stat(probe);
  }
  if (!found.isDirectory()) throw new InputError({ file: shown(probe) }, 'is a file, not a folder (the output goes in it)');
  try {
    await access(probe, constants.W_OK | constants.X_OK);
  } catch {
    throw new InputError({ file: shown(probe) }, 'is not writable');
  }
}

/** The owner of `<file>.partial-<host>-<pid>` (or `.partial-<pid>`, the names of older versions), for the file `base`. */
function partialOwner(name: string, base: string): { host: string | null; pid: number } | null {
  if (!name.startsWith(`${base}.partial-`)) return null;
  const m = /^(?:(.+)-)?(\d+)$/.exec(name.slice(base.length + '.partial-'.length));
  return m ? { host: m[1] ?? null, pid: Number(m[2]) } : null;
}

/**
 * Removes the partial files (`<file>.partial-<host>-<pid>`) of `files` that a killed run left behind: those whose
 * writer no longer runs. Only partial names of these files are touched, never any other file; a live writer's
 * are kept. Returns the paths removed.
 */
export async function removeAbandonedPartials(files: readonly string[]): Promise<string[]> {
  const byFolder = new Map<string, Set<string>>();
  for (const f of files) {
    const dir = dirname(resolve(f));
    if (!byFolder.has(dir)) byFolder.set(dir, new Set());
    byFolder.get(dir)!.add(basename(f));
  }
  const removed: string[] = [];
  for (const [dir, bases] of byFolder) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      for (const base of bases) {
        const owner = partialOwner(name, base);
        if (owner === null) continue;
        const path = join(dir, name);
        if (await abandonedTemp(path, owner)) {
          await rm(path, { force: true });
          removed.push(path);
        }
        break;
      }
    }
  }
  return removed;
}
