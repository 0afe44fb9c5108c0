import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/lib/util/data-root.ts';

/** Runs an npm-run script's file under tsx, as `npm run NAME -- ARGS` does. */
function script(file: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, file), ...args], { encoding: 'utf8', cwd: PROJECT_ROOT, env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status ?? -1, lines: r.stderr.trim().split('\n') };
}

describe('npm-run scripts fail as the CLI does (one line, no stack trace)', () => {
  it('a bad argument: one line naming it, exit 2', () => {
    expect(script('datasets/sanity/frontier.ts', '--preset', 'fast')).toEqual({ code: 2, lines: ['sim:frontier: --preset must be quick or paper, not "fast"'] });
    expect(script('datasets/sanity/sanity-report.ts', '--abandon', '3')).toEqual({ code: 2, lines: ['sim:sanity: --abandon must be a number >= 0 and <= 1, found 3'] });
    expect(script('bench/released-split.ts', '--seeds', 'x')).toEqual({ code: 2, lines: ['eval:released: --seeds must be integers such as 1,2,3 or 1-5, found "x"'] });
    // a benchmark's unknown flag (node:util parseArgs' own error)
    expect(script('bench/hstv-released.bench.ts', '--bogus')).toEqual({ code: 2, lines: ["bench:hstv-released: Unknown option '--bogus'"] });
  });

  it('a failure after parsing (an unknown dataset): one line, exit 1', () => {
    const r = script('bench/released-split.ts', '--dataset', 'nope', '--backend', 'cpu');
    expect(r.code).toBe(1);
    expect(r.lines.at(-1)).toMatch(/^eval:released: error: unknown dataset "nope"; registered: .*trainticket-released-1k/);
    expect(r.lines.join('\n')).not.toMatch(/\n\s+at /);
  });
});
