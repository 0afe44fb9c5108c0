import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** tsx's ESM registration API, as a file URL (independent of the working directory). */
function tsxApiUrl(): string {
  const resolve = (import.meta as { resolve?: (s: string) => string }).resolve;
  try {
    if (resolve) return resolve('tsx/esm/api');
  } catch {
    // fall through
  }
  const dir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  return pathToFileURL(join(dir, 'dist', 'esm', 'api', 'index.mjs')).href;
}

/**
 * Starts a worker thread on a TypeScript module. Node 20 does not apply loader hooks to a worker's entry file,
 * so the worker starts from a one-line script that registers tsx and then imports the module; this works the
 * same under vitest, under `tsx` and under the bin launcher.
 */
export function startTsWorker(entry: URL, workerData: unknown): Worker {
  const code = `import(${JSON.stringify(tsxApiUrl())}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(code, { eval: true, workerData });
}
