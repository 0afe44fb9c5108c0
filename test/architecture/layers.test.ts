import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { METHODS } from '../../src/harness/registry/methods.ts';
import { circles, importEdges, moduleOf, upwardImports, type ImportEdge } from '../helpers/import-graph.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const edges = importEdges(ROOT, ['src', 'baselines', 'datasets', 'bin']);

describe('the checker itself (a made-up graph)', () => {
  const e = (from: string, to: string): ImportEdge => ({ from, to });
  it('names an import up a layer and leaves downward ones alone', () => {
    const up = upwardImports([e('src/lib/stv/a.ts', 'src/methods/x/b.ts'), e('baselines/x/a.ts', 'src/harness/cli/m.ts'), e('src/harness/a.ts', 'src/lib/b.ts'), e('baselines/x/a.ts', 'src/lib/stv/c.ts')]);
    expect(up).toEqual(['src/lib/stv/a.ts (library) -> src/methods/x/b.ts (methods)', 'baselines/x/a.ts (methods) -> src/harness/cli/m.ts (harness)']);
  });
  it('finds a circle of three files and one of two folders', () => {
    const g = [e('a', 'b'), e('b', 'c'), e('c', 'a'), e('c', 'd')];
    expect(circles(g)).toEqual([['a', 'b', 'c']]);
    const f = [e('src/lib/stv/x.ts', 'src/lib/callpaths/y.ts'), e('src/lib/callpaths/z.ts', 'src/lib/stv/w.ts')];
    expect(circles(f)).toEqual([]);
    expect(circles(f, moduleOf)).toEqual([['src/lib/callpaths', 'src/lib/stv']]);
  });
});

describe('this repository: library <- methods <- harness', () => {
  it('reads a plausible graph (the checker sees the code)', () => {
    expect(edges.length).toBeGreaterThan(500);
    expect(edges.some((x) => x.from.startsWith('baselines/') && x.to.startsWith('src/lib/'))).toBe(true);
  });
  it('has no import from a lower layer into a higher one', () => {
    expect(upwardImports(edges)).toEqual([]);
  });
  it('has no circle between files', () => {
    expect(circles(edges)).toEqual([]);
  });
  it('has no circle between folders (library modules, method folders, harness parts)', () => {
    expect(circles(edges, moduleOf)).toEqual([]);
  });
});

/** Every method folder: src/methods/NAME/ and baselines/NAME/. */
const methodFolders = ['src/methods', 'baselines'].flatMap((root) =>
  readdirSync(join(ROOT, root))
    .filter((n) => statSync(join(ROOT, root, n)).isDirectory())
    .map((n) => `${root}/${n}`),
);

describe('methods: one folder each, registered once, no file I/O or printing', () => {
  it('every method folder has an index.ts whose `method` is in the registry list, and every listed method has a folder', async () => {
    const listed = new Set(METHODS);
    const found = [];
    for (const folder of methodFolders) {
      const index = join(ROOT, folder, 'index.ts');
      expect(existsSync(index), `${folder}/index.ts`).toBe(true);
      const { method } = (await import(index)) as { method: (typeof METHODS)[number] };
      expect(listed.has(method), `${folder}: ${method.name} is not in src/harness/registry/methods.ts`).toBe(true);
      found.push(method.name);
    }
    expect(found.sort()).toEqual(METHODS.map((m) => m.name).sort());
    expect(new Set(found).size).toBe(found.length);
  });

  it('no method file reads or writes files or prints (that is the harness\'s work)', () => {
    const offending = edges
      .map((e) => e.from)
      .filter((f, i, all) => all.indexOf(f) === i && (f.startsWith('src/methods/') || f.startsWith('baselines/')))
      .filter((f) => /from ['"](node:)?fs(\/promises)?['"]|\bconsole\.|process\.std(out|err)/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(offending).toEqual([]);
  });
});
