import type { Random } from '../../src/lib/util/random.ts';
import { unitHash } from '../../src/lib/util/hash.ts';

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

/** The murmur3 finaliser: a bijection of 32-bit integers that scatters neighbouring inputs. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * A 128-bit trace id as 32 hex digits: the first 64 bits are a bijection of (the day's seed, the trace's number
 * in the day), so ids never repeat within a simulated day nor between days of different seeds; the last 64
 * are drawn from `rng` (which advances by four draws, as the trace's own generator expects).
 */
export function traceId(rng: Random, daySeed: number, n: number): string {
  const m = mix32(n);
  rng.int(2 ** 32);
  rng.int(2 ** 32);
  return hex8(m) + hex8(mix32((daySeed ^ m) >>> 0)) + hex8(rng.int(2 ** 32)) + hex8(rng.int(2 ** 32));
}

/** Kubernetes' name alphabet for generated suffixes (no vowels, no look-alikes). */
const K8S = 'bcdfghjklmnpqrstvwxz2456789';

function suffix(key: string, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += K8S[Math.floor(unitHash(`${key}#${i}`) * K8S.length)];
  return s;
}

/** The pod name of a service's single replica, e.g. `ts-order-service-7d9f8b6c5d-x2v4z` (fixed per name). */
export function podName(service: string): string {
  return `${service}-${suffix(`${service}/rs`, 10)}-${suffix(`${service}/pod`, 5)}`;
}
