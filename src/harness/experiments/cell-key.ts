import { canonicalJson } from '../../lib/util/canonical-json.ts';
import { sha256 } from '../../lib/util/hash.ts';

// kept here too for the modules that take them from the cell key's home
export { canonicalJson, sha256 };

/** Bumped when the meaning of a cell result changes, so that no older result is reused. */
export const CELL_FORMAT_VERSION = 1;

/** What identifies a cell's result: everything that can change it, nothing that cannot (labels, experiment name). */
export interface CellIdentity {
  kind: string;
  dataset: { name: string; options: Record<string, unknown>; fingerprint: string };
  method: { name: string; version: string; options: Record<string, unknown> };
  seed: number;
  quick: boolean;
}

/** The content hash that finds a finished cell. */
export function cellKey(id: CellIdentity): string {
  return sha256(canonicalJson({ format: CELL_FORMAT_VERSION, ...id }));
}
