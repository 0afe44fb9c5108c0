import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLabels } from '../../src/lib/readers/labels.ts';
import { loadTraces } from '../../src/lib/readers/read-traces.ts';
import { cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/files.ts';

describe('traceanomaly simulate', () => {
  it('writes train, test, labels and faults that the readers load; the same seed gives the same bytes', async () => {
    const runs = [1, 1, 2].map((seed) => {
      const out = join(tempDir(), 'sim');
      const r = cli('simulate', 'services', '--service', '2', '--fraction', '0.005', '--seed', String(seed), '--format', 'otlp', '--out', out);
      expect(r.code, r.stderr).toBe(0);
      return join(out, 'service-2');
    });
    const [a, b, c] = runs;
    expect(readdirSync(a).sort()).toEqual(['faults.csv', 'labels.csv', 'test.jsonl.gz', 'train.jsonl.gz']);
    for (const f of readdirSync(a)) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    expect(readFileSync(join(a, 'train.jsonl.gz')).equals(readFileSync(join(c, 'train.jsonl.gz')))).toBe(false);
    const test = await loadTraces(join(a, 'test.jsonl.gz'), 'otlp');
    const labels = await readLabels(join(a, 'labels.csv'));
    expect(labels.size).toBe(test.length);
    expect(test.every((t) => labels.has(t.id))).toBe(true);
    expect([...labels.values()].some((l) => l.label === 1)).toBe(true);
    const manifest = JSON.parse(readFileSync(join(a, '..', 'manifest.json'), 'utf8'));
    expect(manifest.services['service-2'].test.normal + manifest.services['service-2'].test.rt + manifest.services['service-2'].test.path).toBe(test.length);
  });

  it('explains usage errors with exit code 2', () => {
    expect(cli('simulate', '--out', tempDir()).code).toBe(2);
    expect(cli('simulate', 'trainticket', '--preset', 'huge', '--out', tempDir()).code).toBe(2);
    expect(cli('simulate', 'services', '--service', '5', '--out', tempDir()).code).toBe(2);
    // the open parameters: checked by the trainticket generator's option schema, and for trainticket only
    const delay = cli('simulate', 'trainticket', '--rt-delay-ms', '5', '--out', tempDir());
    expect([delay.code, delay.stderr.split('\n')[0]]).toEqual([2, 'traceanomaly simulate: --rt-delay-ms must be a list of 2 numbers > 0, found 5']);
    const abandon = cli('simulate', 'services', '--abandon', '0', '--out', tempDir());
    expect([abandon.code, abandon.stderr.split('\n')[0]]).toEqual([2, 'traceanomaly simulate: --rt-delay-ms and --abandon are for trainticket']);
  });
});
