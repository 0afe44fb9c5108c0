import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/util/data-root.ts';

/** The version in `<dir>/package.json` (the harness's own: `packageVersion(PROJECT_ROOT)`). */
export function packageVersion(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

let cached: Record<string, string> | undefined;

/** The harness version, its git commit when known, Node, and the installed version of every dependency. */
export function softwareVersions(): Record<string, string> {
  if (cached) return cached;
  const out: Record<string, string> = { node: process.version };
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  out[pkg.name] = pkg.version;
  try {
    out.commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // not a git checkout
  }
  for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }).sort()) {
    const v = packageVersion(join(PROJECT_ROOT, 'node_modules', dep));
    if (v) out[dep] = v;
  }
  cached = out;
  return out;
}
