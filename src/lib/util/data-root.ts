import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root folder (where package.json is). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * Where datasets live: an explicit flag, else $TRACEANOMALY_DATA, else `../shared/datasets` next to the project
 * when present, else `datasets/data` inside it (where the download scripts put the public files).
 */
export function dataRoot(flag?: string): string {
  if (flag) return resolve(flag);
  const env = process.env.TRACEANOMALY_DATA;
  if (env) return resolve(env);
  const shared = resolve(PROJECT_ROOT, '..', 'shared', 'datasets');
  if (existsSync(shared)) return shared;
  return join(PROJECT_ROOT, 'datasets', 'data');
}

/** The released TrainTicket STV files, when present. */
export function releasedTrainTicketFiles(flag?: string): { normal: string; abnormal: string } | null {
  const dir = join(dataRoot(flag), 'trainticket-stv');
  const normal = join(dir, 'test_normal.zip');
  const abnormal = join(dir, 'test_abnormal.zip');
  return existsSync(normal) && existsSync(abnormal) ? { normal, abnormal } : null;
}
