/** A frequent sequential pattern and the number of sequences that contain it. */
export interface Pattern {
  items: number[];
  count: number;
}

/**
 * PrefixSpan (Pei et al., ICDE'01): every sequential pattern (ordered, not necessarily contiguous subsequence)
 * contained in at least `minCount` of the sequences, up to `maxLength` items, with its count. Each sequence counts
 * once per pattern however often it contains it. Patterns are grown from projected databases: for a prefix, each
 * sequence's position right after the prefix's earliest embedding.
 */
export function prefixSpan(sequences: readonly (readonly number[])[], minCount: number, maxLength = Infinity): Pattern[] {
  const out: Pattern[] = [];
  const grow = (prefix: number[], projected: { seq: number; pos: number }[]): void => {
    if (prefix.length >= maxLength) return;
    // per item, the projections where it occurs after pos (its first occurrence), one per sequence
    const next = new Map<number, { seq: number; pos: number }[]>();
    for (const { seq, pos } of projected) {
      const s = sequences[seq];
      const seen = new Set<number>();
      for (let i = pos; i < s.length; i++) {
        if (seen.has(s[i])) continue;
        seen.add(s[i]);
        let list = next.get(s[i]);
        if (list === undefined) next.set(s[i], (list = []));
        list.push({ seq, pos: i + 1 });
      }
    }
    for (const [item, proj] of [...next.entries()].sort((a, b) => a[0] - b[0])) {
      if (proj.length < minCount) continue;
      const items = [...prefix, item];
      out.push({ items, count: proj.length });
      grow(items, proj);
    }
  };
  grow([], sequences.map((_, seq) => ({ seq, pos: 0 })));
  return out;
}
