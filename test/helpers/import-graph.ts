import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The import graph of this repository's code, read from the source text: every relative specifier of a static
 * `import` / `export ... from`, a dynamic `import('...')` and a `new URL('...', import.meta.url)` (how worker
 * threads are started), resolved to a path from the repository root.
 */
export interface ImportEdge {
  from: string;
  to: string;
}

const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|\bnew URL\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;

export function importEdges(root: string, folders: readonly string[]): ImportEdge[] {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      if (n === 'node_modules') continue;
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|mjs)$/.test(n) && !n.endsWith('.test.ts')) files.push(p);
    }
  };
  for (const f of folders) walk(join(root, f));
  const edges: ImportEdge[] = [];
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      edges.push({ from: relative(root, file), to: relative(root, resolve(dirname(file), m[1])) });
    }
  }
  return edges;
}

/** The three layers and where they live; a path outside them (bench/, test/) belongs to none. */
export const LAYERS = [
  { name: 'library', rank: 0, roots: ['src/lib/'] },
  { name: 'methods', rank: 1, roots: ['src/methods/', 'baselines/'] },
  { name: 'harness', rank: 2, roots: ['src/harness/', 'datasets/', 'bin/'] },
] as const;

export function layerOf(path: string): (typeof LAYERS)[number] | undefined {
  return LAYERS.find((l) => l.roots.some((r) => path.startsWith(r)));
}

/** The unit a folder-level circle is counted in: a library module (src/lib/stv), a method folder, a harness folder. */
export function moduleOf(path: string): string {
  const parts = path.split('/');
  const depth = parts[0] === 'src' ? 3 : 2;
  return parts.slice(0, Math.min(depth, parts.length - 1)).join('/');
}

/** Imports that go up a layer (library -> methods or harness, methods -> harness), or leave the layers altogether. */
export function upwardImports(edges: readonly ImportEdge[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    const a = layerOf(e.from);
    if (a === undefined) continue;
    const b = layerOf(e.to);
    if (b === undefined) out.push(`${e.from} -> ${e.to} (outside the layers)`);
    else if (b.rank > a.rank) out.push(`${e.from} (${a.name}) -> ${e.to} (${b.name})`);
  }
  return out;
}

/** Every circle of the graph whose nodes are `key(path)`, as its strongly connected components of more than one node. */
export function circles(edges: readonly ImportEdge[], key: (path: string) => string = (p) => p): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    const a = key(e.from);
    const b = key(e.to);
    if (a === b) continue;
    if (!next.has(a)) next.set(a, new Set());
    if (!next.has(b)) next.set(b, new Set());
    next.get(a)!.add(b);
  }
  // Tarjan's algorithm, iteratively
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  for (const start of next.keys()) {
    if (idx.has(start)) continue;
    const work: [string, string[]][] = [[start, [...next.get(start)!]]];
    idx.set(start, index);
    low.set(start, index++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const [v, rest] = work[work.length - 1];
      if (rest.length > 0) {
        const w = rest.shift()!;
        if (!idx.has(w)) {
          idx.set(w, index);
          low.set(w, index++);
          stack.push(w);
          onStack.add(w);
          work.push([w, [...next.get(w)!]]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const u = work[work.length - 1][0];
        low.set(u, Math.min(low.get(u)!, low.get(v)!));
      }
      if (low.get(v) === idx.get(v)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          scc.push(w);
        } while (w !== v);
        if (scc.length > 1) found.push(scc.sort());
      }
    }
  }
  return found;
}
