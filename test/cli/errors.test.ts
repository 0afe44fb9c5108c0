import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/files.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const stackLines = (stderr: string) => stderr.split('\n').filter((l) => /^\s+at /.test(l));

/** Runs a TypeScript snippet in a fresh process, as the bin launcher runs the CLI. */
function runSnippet(code: string, env: Record<string, string> = {}) {
  const file = join(tempDir(), 'snippet.mts');
  writeFileSync(file, code);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stderr: r.stderr };
}

describe('every error of every command: one line, exit 1, a stack only with --debug', () => {
  const snippet = (argv: string[]) => `
    import { installExitHandlers } from ${JSON.stringify(join(ROOT, 'src/harness/cli/main.ts'))};
    import { useBackend } from ${JSON.stringify(join(ROOT, 'src/lib/backend/backend.ts'))};
    installExitHandlers(${JSON.stringify(argv)});
    await useBackend('wasm');
    setTimeout(() => { throw new Error('boom\\n  on two lines'); });
  `;

  it('an error thrown outside any command after the wasm backend is loaded (it exited 7 with tfjs source)', () => {
    const r = runSnippet(snippet(['detect']));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('traceanomaly detect: error: boom on two lines (an unexpected error: --debug prints its stack trace)\n');
  });

  it('prints the stack with --debug or TRACEANOMALY_DEBUG=1', () => {
    for (const r of [runSnippet(snippet(['detect', '--debug'])), runSnippet(snippet(['detect']), { TRACEANOMALY_DEBUG: '1' })]) {
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n')[0]).toBe('traceanomaly detect: error: boom on two lines');
      expect(stackLines(r.stderr).length).toBeGreaterThan(0);
    }
  });

  it('an unexpected error inside a command: one line naming the path, exit 1; --debug adds the stack', () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(dir, 'file'), 'x');
    // a file where stv must make its output folder
    const r = cli('stv', '--in', join(ROOT, 'test/fixtures/fig1/messages.csv'), '--out', join(dir, 'file', 'out'));
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^traceanomaly stv: error: .*file/);
    expect(stackLines(r.stderr)).toEqual([]);
    const d = cli('stv', '--debug', '--in', join(ROOT, 'test/fixtures/fig1/messages.csv'), '--out', join(dir, 'file', 'out'));
    expect(d.code).toBe(1);
    // the stack follows the line (Node's fs errors carry no frames: only their name and message then)
    expect(d.stderr.trim().split('\n')[1]).toMatch(/^\w*Error: /);
  });
});
