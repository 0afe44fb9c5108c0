// npm run download -- fetches the public data files the harness can use into datasets/data/ (git-ignored), where
// the data root falls back to when neither --data, $TRACEANOMALY_DATA nor ../shared/datasets is there.
// Options: --to DIR (default datasets/data), --from URL (a mirror holding the same paths), --force.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../src/lib/util/atomic-write.ts';
import { fileDigest, sha256 } from '../src/lib/util/hash.ts';

/** One public file: where it lives upstream, where it goes under the data root, and its SHA-256. */
export interface PublicFile {
  path: string;
  url: string;
  sha256: string;
}

/** The released TrainTicket test STVs (NetManAIOps/TraceAnomaly, folder train_ticket/, pinned commit). */
const UPSTREAM = 'https://raw.githubusercontent.com/NetManAIOps/TraceAnomaly/946e44791b7c19eddd61b0a7fa98e54100e1c03a/train_ticket';
export const PUBLIC_FILES: PublicFile[] = [
  { path: 'trainticket-stv/test_normal.zip', url: `${UPSTREAM}/test_normal.zip`, sha256: '847ed23cbffb563474862967f96b85dcfcf61390d3e07741384c2327a2c12737' },
  { path: 'trainticket-stv/test_abnormal.zip', url: `${UPSTREAM}/test_abnormal.zip`, sha256: 'b036bac0e2dc9f31b4ae943c753c8c5076ecc1b2c2a64f3732e3bc8973312ee5' },
];

/**
 * Downloads each file to `dest/path` unless it is there with the right hash; checks the SHA-256 before it writes
 * (under a temporary name, then renamed: a failed or corrupt download leaves nothing). `from` replaces the
 * upstream location (a mirror with the same file names).
 */
export async function download(files: PublicFile[], dest: string, opts: { from?: string; force?: boolean; log?: (l: string) => void } = {}): Promise<string[]> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const written: string[] = [];
  for (const f of files) {
    const target = join(dest, f.path);
    if (!opts.force && existsSync(target) && (await fileDigest(target)) === f.sha256) {
      log(`${target}: present, checksum ok`);
      continue;
    }
    const url = opts.from ? `${opts.from.replace(/\/$/, '')}/${f.url.split('/').pop()}` : f.url;
    log(`fetching ${url}`);
    let body: Uint8Array;
    try {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
      body = new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      throw new Error(`${url}: download failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    const got = sha256(body);
    if (got !== f.sha256) throw new Error(`${url}: checksum mismatch (sha256 ${got}, expected ${f.sha256}); nothing written`);
    await writeFileAtomic(target, body);
    log(`${target}: ${body.length.toLocaleString('en-US')} bytes, checksum ok`);
    written.push(target);
  }
  return written;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { parseArgs } = await import('node:util');
  const { PROJECT_ROOT } = await import('../src/lib/util/data-root.ts');
  const { values: o } = parseArgs({ options: { to: { type: 'string' }, from: { type: 'string' }, force: { type: 'boolean' } } });
  try {
    await download(PUBLIC_FILES, o.to ?? join(PROJECT_ROOT, 'datasets', 'data'), { ...(o.from ? { from: o.from } : {}), force: Boolean(o.force) });
  } catch (e) {
    process.stderr.write(`download: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
