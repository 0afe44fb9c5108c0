import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
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
