/** log(sum(exp(v[i]))) without overflow; -Infinity for an empty or all -Infinity input. */
export function logSumExp(v: ArrayLike<number>, start = 0, end = v.length): number {
  let max = -Infinity;
  for (let i = start; i < end; i++) if (v[i] > max) max = v[i];
  if (max === -Infinity) return -Infinity;
  if (max === Infinity) return Infinity;
  let s = 0;
  for (let i = start; i < end; i++) s += Math.exp(v[i] - max);
  return max + Math.log(s);
}

export const LOG_2PI = Math.log(2 * Math.PI);
