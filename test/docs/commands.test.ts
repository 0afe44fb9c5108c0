import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { argumentCheck } from '../../src/harness/cli/args.ts';
import { main } from '../../src/harness/cli/main.ts';

// The commands written in README.md and docs/ must run as written: the README's quick tour is run for real, in
// order, in an empty folder; every other `npx traceanomaly` line must parse (its command, options and values),
// name an experiment that exists, and every `npm run X` a script that exists.

const ROOT = join(import.meta.dirname, '..', '..');
const DOCS = ['README.md', 'datasets/README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

interface DocCommand {
  file: string;
  section: string;
  line: string;
}

/** The command lines of a Markdown file's sh blocks: continuations joined, comments dropped, with their section. */
function commandsOf(file: string): DocCommand[] {
  const out: DocCommand[] = [];
  let section = '';
  let inBlock = false;
  let pending = '';
  for (const raw of readFileSync(join(ROOT, file), 'utf8').split('\n')) {
    if (!inBlock && raw.startsWith('#')) section = raw.replace(/^#+\s*/, '');
    if (raw.startsWith('```')) {
      inBlock = !inBlock && /^```(sh|bash|shell)\s*$/.test(raw);
      continue;
    }
    if (!inBlock) continue;
    const text = raw.replace(/\s+#.*$/, '').trim();
    if (text.endsWith('\\')) {
      pending += `${text.slice(0, -1)} `;
      continue;
    }
    const line = (pending + text).trim();
    pending = '';
    if (line && !line.startsWith('#')) out.push({ file, section, line });
  }
  return out;
}

const ALL = DOCS.flatMap(commandsOf);
const words = (line: string): string[] => line.match(/"[^"]*"|'[^']*'|\S+/g)!.map((w) => w.replace(/^(["'])(.*)\1$/, '$2'));
/** A synopsis, not a command: optional parts in brackets, placeholders in capitals or angle brackets. */
const isSynopsis = (line: string) => /[[<]|\.\.\./.test(line);
const tour = ALL.filter((c) => c.file === 'README.md' && c.section === 'Quick tour');

describe('commands in README.md and docs/', () => {
  it('finds the quick tour and the documented commands', () => {
    expect(tour.length).toBeGreaterThanOrEqual(5);
    expect(ALL.filter((c) => c.line.startsWith('npx traceanomaly')).length).toBeGreaterThan(15);
  });

  it('every `npx traceanomaly` line parses, and names an experiment that exists', async () => {
    const problems: string[] = [];
    const lines = ALL.filter((c) => c.line.startsWith('npx traceanomaly ') && !isSynopsis(c.line));
    argumentCheck.only = true;
    const err = process.stderr.write;
    const out = process.stdout.write;
    try {
      for (const c of lines) {
        for (const part of c.line.split('&&')) {
          const argv = words(part.trim()).slice(2);
          let said = '';
          process.stderr.write = ((s: string) => ((said += s), true)) as typeof process.stderr.write;
          process.stdout.write = (() => true) as typeof process.stdout.write;
          const code = await main(argv);
          process.stderr.write = err;
          process.stdout.write = out;
          if (code !== 0) problems.push(`${c.file} (${c.section}): ${c.line}\n    exit ${code}: ${said.split('\n')[0]}`);
          const [command, name] = argv;
          if (command === 'experiment' && name && !name.startsWith('-') && !existsSync(join(ROOT, 'experiments', `${name}.json`))) problems.push(`${c.file}: no experiment ${name}`);
        }
      }
    } finally {
      argumentCheck.only = false;
      process.stderr.write = err;
      process.stdout.write = out;
    }
    expect(problems).toEqual([]);
  });

  it('every `npm run X` names a script of package.json', () => {
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    const named = ALL.flatMap((c) => [...c.line.matchAll(/npm (?:run (\S+)|(start|test))/g)].map((m) => ({ c, script: m[1] ?? m[2] })));
    expect(named.length).toBeGreaterThan(2);
    expect(named.filter((n) => !Object.hasOwn(scripts, n.script)).map((n) => `${n.c.file}: ${n.c.line}`)).toEqual([]);
  });

  const dir = mkdtempSync(join(tmpdir(), 'readme-tour-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the quick tour runs as written, in an empty folder', { timeout: 600_000 }, () => {
    for (const c of tour) {
      expect(c.line.startsWith('npx traceanomaly ')).toBe(true);
      const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'traceanomaly.mjs'), ...words(c.line).slice(2)], { cwd: dir, encoding: 'utf8' });
      expect(r.status, `${c.line}\n${r.stderr}`).toBe(0);
    }
    // what the tour says it makes
    expect(statSync(join(dir, 'out/sim/service-1/labels.csv')).size).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'out/stv/stv.csv'), 'utf8').split('\n')[0]).toMatch(/^trace_id,/);
    const scores = readFileSync(join(dir, 'out/scores.csv'), 'utf8').trim().split('\n');
    expect(scores[0]).toBe('trace_id,log_px,p_value,anomalous,unseen,root_cause_service,root_cause_path');
    expect(scores.length).toBeGreaterThan(100);
    expect(existsSync(join(dir, 'out/reports/demo/index.html'))).toBe(true);
  });
});
