/**
 * Optimal string alignment distance (Levenshtein with adjacent transpositions): the fewest one-character
 * insertions, deletions, substitutions or swaps of neighbours that turn `a` into `b` ("trian" -> "train" is 1).
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j] + 1, d[i * cols + j - 1] + 1, d[(i - 1) * cols + j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * cols + j - 2] + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1];
}

/**
 * The candidates closest to `name` (case-insensitive), if close enough to be a slip: at most a third of the
 * name's length in edits (at least 1, at most 3), or a name that begins the candidate (`table` -> table2 ...).
 */
export function closestNames(name: string, candidates: Iterable<string>): string[] {
  const lower = name.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(lower.length / 3)));
  let best = Infinity;
  let found: string[] = [];
  for (const c of new Set(candidates)) {
    const dist = editDistance(lower, c.toLowerCase());
    if (dist > limit) continue;
    if (dist < best) [best, found] = [dist, [c]];
    else if (dist === best) found.push(c);
  }
  if (found.length === 0 && lower.length >= 3) found = [...new Set(candidates)].filter((c) => c.toLowerCase().startsWith(lower));
  return found;
}

/** ` (did you mean "train"?)`, ` (did you mean "table2" or "table3"?)`, or '' when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>, quote = (s: string) => `"${s}"`): string {
  const close = closestNames(name, candidates).map(quote);
  if (close.length === 0) return '';
  const list = close.length === 1 ? close[0] : `${close.slice(0, -1).join(', ')} or ${close[close.length - 1]}`;
  return ` (did you mean ${list}?)`;
}
