import type { Random } from '../../src/util/random.ts';
import { unitHash } from '../../src/util/hash.ts';

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

/** A 128-bit trace id as 32 hex digits, drawn from `rng`. */
export function traceId(rng: Random): string {
  return hex8(rng.int(2 ** 32)) + hex8(rng.int(2 ** 32)) + hex8(rng.int(2 ** 32)) + hex8(rng.int(2 ** 32));
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
