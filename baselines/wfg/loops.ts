/**
 * Circulation numbers (spec 2.3, step 4): in a run of automaton states, each maximal stretch that goes round
 * the same simple cycle (of at most `maxLength` states) again and again, with the number of rounds. A cycle is
 * named by its states, rotated to start at the smallest, so the same loop entered anywhere has one name.
 * Shorter cycles are found first and their stretches are not counted again as longer ones.
 */
export interface LoopOccurrence {
  cycle: string;
  rounds: number;
  /** Index in the run where the stretch starts. */
  at: number;
}

export function loopOccurrences(states: ArrayLike<number>, maxLength = 6): LoopOccurrence[] {
  const n = states.length;
  const covered = new Uint8Array(n);
  const out: LoopOccurrence[] = [];
  for (let L = 1; L <= maxLength; L++) {
    let j = L;
    while (j < n) {
      if (states[j] !== states[j - L]) {
        j++;
        continue;
      }
      const a = j;
      while (j < n && states[j] === states[j - L]) j++;
      const b = j - 1; // run of positions a..b with states[p] === states[p - L]
      const from = a - L;
      let free = true;
      for (let p = from; p <= b && free; p++) if (covered[p]) free = false;
      if (!free) continue;
      const cyc: number[] = [];
      for (let p = from; p < a; p++) cyc.push(states[p]);
      if (new Set(cyc).size !== L) continue; // not a simple cycle (a shorter one inside)
      const rounds = Math.floor((b - from) / L);
      for (let p = from; p <= b; p++) covered[p] = 1;
      out.push({ cycle: cycleName(cyc), rounds, at: from });
    }
  }
  return out;
}

function cycleName(cyc: number[]): string {
  let best = 0;
  for (let i = 1; i < cyc.length; i++) if (cyc[i] < cyc[best]) best = i;
  return [...cyc.slice(best), ...cyc.slice(0, best)].join('.');
}
