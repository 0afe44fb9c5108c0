import { describe, expect, it, vi } from 'vitest';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/files.ts';
import { writeExport } from '../helpers/export.ts';
import { parseSeeds } from '../../src/harness/cli/experiment-command.ts';
import { main } from '../../src/harness/cli/main.ts';
import { PROJECT_ROOT } from '../../src/lib/util/data-root.ts';

describe('traceanomaly experiment', () => {
  const out = tempDir();

  it('runs the demo end to end: cells, summary.json, tables, charts, an offline index.html', () => {
    const r = cli('experiment', 'demo', '--quick', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/2 cells, 0 reused, 2 computed, 0 failed/);
    const dir = join(out, 'demo');
    for (const f of ['summary.json', 'tables.md', 'table.csv', 'index.html', 'pr-demo-tiny.vl.json', 'pr-demo-tiny.svg', 'pr-demo-tiny.png', 'bars-demo-tiny.png']) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(readdirSync(join(dir, 'cells'))).toHaveLength(2);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ experiment: 'demo', quick: true, seeds: [1] });
    expect(summary.rows.map((x: { method: string; dataset: string }) => `${x.method}@${x.dataset}`)).toEqual(['demo-zscore@demo-tiny', 'demo-zscore-rt@demo-tiny']);
    for (const row of summary.rows) for (const k of ['precision', 'recall', 'f1', 'auprc']) expect(typeof row[k]).toBe('number');
    expect(summary.rows[1].perType.path).toEqual({ count: 15, precision: null, recall: null });
    expect(readFileSync(join(dir, 'tables.md'), 'utf8')).toContain('*paper: TraceAnomaly*');
    expect(JSON.parse(readFileSync(join(dir, 'pr-demo-tiny.vl.json'), 'utf8')).$schema).toMatch(/vega-lite\/v6/);

    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('paper: TraceAnomaly');
    expect(html).not.toMatch(/<script|<link|<img|\ssrc=/i);
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs.length).toBeGreaterThan(0);
    expect(hrefs.filter((h) => /^(https?:|\/\/|\/)/.test(h))).toEqual([]);
    expect(hrefs.filter((h) => !h.startsWith('#')).every((h) => existsSync(join(out, h)))).toBe(true);
  });

  it('reuses the finished cells on a rerun, and says which', () => {
    const r = cli('experiment', 'demo', '--quick', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n').filter((l) => /: reused .*cells\/demo-zscore/.test(l))).toHaveLength(2);
    expect(r.stderr).toMatch(/2 cells, 2 reused, 0 computed/);
  });

  it('aggregates --seeds into mean ± std', () => {
    const dir = tempDir();
    const r = cli('experiment', 'demo', '--quick', '--seeds', '1-2', '--out', dir);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'demo', 'summary.json'), 'utf8'));
    expect(summary.rows[0].seeds).toEqual([1, 2]);
    expect(typeof summary.rows[0].std.precision).toBe('number');
    expect(readFileSync(join(dir, 'demo', 'tables.md'), 'utf8')).toMatch(/\d\.\d{3} ± \d\.\d{3}/);
  });

  it('runs a labelled export described by a dataset file (--dataset FILE)', () => {
    const dir = tempDir();
    const r = cli('experiment', 'demo', '--quick', '--dataset', writeExport(dir), '--out', join(dir, 'reports'));
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'reports', 'demo', 'summary.json'), 'utf8'));
    expect(summary.rows.map((x: { dataset: string; status: string }) => `${x.dataset}:${x.status}`)).toEqual(['my-export:ok', 'my-export:ok']);
    // 5 path anomalies use a call path the training traces never had: the path rule finds all of them
    expect(summary.rows[0].perType.path.recall).toBe(1);
  });

  it('explains usage errors (2) and bad input (1)', async () => {
    // in-process, to keep the suite fast: main() is what the bin launcher calls
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const out = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(await main(['experiment'])).toBe(2);
      expect(await main(['experiment', 'demo', '--seeds', 'x'])).toBe(2);
      expect(await main(['experiment', 'no-such-experiment'])).toBe(2);
      expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(/unknown experiment "no-such-experiment"; built in: .*demo/);
      expect(await main(['experiment', 'no-such-file.json'])).toBe(1);
      expect(await main(['experiment', '--list'])).toBe(0);
      const listed = out.mock.calls.map((c) => String(c[0])).join('\n');
      expect(listed).toMatch(/^demo\s+Demo/m);
      expect(listed).toMatch(/methods: .*demo-zscore/);
    } finally {
      err.mockRestore();
      out.mockRestore();
    }
  });

  it('refuses an experiment named to write outside --out: one line naming the file, exit 1, nothing written', async () => {
    const root = tempDir();
    const file = join(root, 'evil.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(join(PROJECT_ROOT, 'experiments', 'demo.json'), 'utf8')), name: '../../evil' }));
    const out = join(root, 'a', 'b', 'out');
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['experiment', file, '--quick', '--out', out])).toBe(1);
      const text = err.mock.calls.map((c) => String(c[0])).join('');
      expect(text).toBe(`traceanomaly experiment: error: ${file}: "name" must be letters, digits, '.', '_' or '-', starting with a letter or digit, at most 100 characters (it names the report folder), found "../../evil"\n`);
    } finally {
      err.mockRestore();
    }
    expect(readdirSync(root)).toEqual(['evil.json']);
  });

  it('parses seed lists and ranges', () => {
    expect(parseSeeds('1,2,3')).toEqual([1, 2, 3]);
    expect(parseSeeds('1-5')).toEqual([1, 2, 3, 4, 5]);
    expect(parseSeeds('7, 1-2, 7')).toEqual([7, 1, 2]);
    expect(() => parseSeeds('a')).toThrow(/integers/);
    expect(() => parseSeeds('5-1')).toThrow(/bad range/);
  });
});

describe('method options in an experiment file', () => {
  it('rejects flowLength -1 with the option\'s range before any cell runs: one line naming the file, exit 1', async () => {
    const root = tempDir();
    const file = join(root, 'bad-k.json');
    const demo = JSON.parse(readFileSync(join(PROJECT_ROOT, 'experiments', 'demo.json'), 'utf8'));
    writeFileSync(file, JSON.stringify({ ...demo, name: 'bad-k', methods: [{ method: 'traceanomaly', options: { flowLength: -1 } }] }));
    const out = join(root, 'out');
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['experiment', file, '--quick', '--out', out])).toBe(1);
      const text = err.mock.calls.map((c) => String(c[0])).join('');
      expect(text).toBe(`traceanomaly experiment: error: ${file}: traceanomaly: option "flowLength" must be an integer >= 0, found -1\n`);
    } finally {
      err.mockRestore();
    }
    expect(existsSync(out)).toBe(false);
  });
});
