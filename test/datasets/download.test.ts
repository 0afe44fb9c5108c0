import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { download, PUBLIC_FILES, type PublicFile } from '../../datasets/download.ts';
import { tempDir } from '../helpers/files.ts';
import { releasedTrainTicketFiles } from '../../src/lib/util/data-root.ts';

const files: Record<string, Buffer> = { 'a.zip': Buffer.from('first file'), 'b.zip': Buffer.from('second file') };
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('download of the public data files', () => {
  let server: Server;
  let base = '';
  let requests = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++;
      const body = files[(req.url ?? '').split('/').pop()!];
      if (body) res.end(body);
      else res.writeHead(404).end();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}/mirror`;
  });
  afterAll(() => server.close());

  const list = (over: Partial<Record<string, string>> = {}): PublicFile[] =>
    Object.entries(files).map(([name, body]) => ({ path: `set/${name}`, url: `https://upstream.invalid/x/${name}`, sha256: over[name] ?? sha(body) }));

  it('fetches each file from the mirror, checks its SHA-256 and skips it when it is already there', async () => {
    const dest = tempDir();
    const log: string[] = [];
    expect(await download(list(), dest, { from: base, log: (l) => log.push(l) })).toHaveLength(2);
    expect(readFileSync(join(dest, 'set/a.zip'), 'utf8')).toBe('first file');
    const before = requests;
    expect(await download(list(), dest, { from: base, log: (l) => log.push(l) })).toHaveLength(0);
    expect(requests).toBe(before);
    expect(log.filter((l) => l.includes('present, checksum ok'))).toHaveLength(2);
  });

  it('writes nothing when a checksum does not match or a file is missing', async () => {
    const dest = tempDir();
    await expect(download(list({ 'a.zip': '0'.repeat(64) }), dest, { from: base, log: () => {} })).rejects.toThrow(/a\.zip: checksum mismatch .* nothing written/);
    expect(existsSync(join(dest, 'set'))).toBe(false);
    const missing: PublicFile[] = [{ path: 'set/c.zip', url: 'https://upstream.invalid/x/c.zip', sha256: sha(Buffer.from('')) }];
    await expect(download(missing, dest, { from: base, log: () => {} })).rejects.toThrow(/c\.zip: download failed: HTTP 404/);
    expect(existsSync(dest) ? readdirSync(dest) : []).toEqual([]);
  });

  it('lists the released TrainTicket STVs at the pinned upstream commit, with the checksums of the copies in use', () => {
    expect(PUBLIC_FILES.map((f) => f.path)).toEqual(['trainticket-stv/test_normal.zip', 'trainticket-stv/test_abnormal.zip']);
    for (const f of PUBLIC_FILES) expect(f.url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/NetManAIOps\/TraceAnomaly\/[0-9a-f]{40}\/train_ticket\//);
    const present = releasedTrainTicketFiles();
    if (present) {
      expect(sha(readFileSync(present.normal))).toBe(PUBLIC_FILES[0].sha256);
      expect(sha(readFileSync(present.abnormal))).toBe(PUBLIC_FILES[1].sha256);
    }
  });
});
