import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { InputError } from './errors.ts';

/** FNV-1a hash of a string, 32 bits. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A deterministic hash of a string to [0, 1) (FNV-1a, then a mix so that nearby strings spread out). */
export function unitHash(s: string): number {
  let h = fnv1a(s);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) / 4294967296;
}

/** SHA-256 of text or bytes, hex. */
export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** SHA-256 of a file's bytes, hex. */
export async function fileDigest(path: string): Promise<string> {
  const h = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  } catch (e) {
    throw new InputError({ file: path }, `cannot read: ${(e as Error).message}`);
  }
  return h.digest('hex');
}
