// npm run bench:huge-trace -- [--spans N] [--shape chain|flat] [--format F] [--definition D] [--timeout S] [-- stv flags]
// Time and peak memory of `traceanomaly stv` on one huge trace (plus a small good one), as a user runs it.
// Without options: the acceptance matrix of issue 18 (100,000 and 1,000,000 spans, chain and flat, every format).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeHugeTrace, type HugeFormat, type HugeShape } from './huge-traces.ts';
import { exitOnError } from '../src/harness/cli/script.ts';

const BIN = fileURLToPath(new URL('../bin/traceanomaly.mjs', import.meta.url));
exitOnError('bench:huge-trace');
const { values: o, positionals: extra } = parseArgs({
  options: { spans: { type: 'string' }, shape: { type: 'string' }, format: { type: 'string' }, definition: { type: 'string' }, timeout: { type: 'string' } },
  allowPositionals: true,
});
const FORMATS: HugeFormat[] = ['jaeger', 'zipkin', 'otlp', 'spans-csv', 'messages-csv'];
const sizes = o.spans ? [Number(o.spans)] : [100_000, 1_000_000];
const shapes = (o.shape ? [o.shape] : ['chain', 'flat']) as HugeShape[];
const formats = (o.format ? [o.format] : FORMATS) as HugeFormat[];
const definition = o.definition ?? 'prefix';
const timeout = Number(o.timeout ?? 120);

console.log('spans\tshape\tformat\tdefinition\tfile MB\texit\tseconds\tpeak RSS MB\tlast stderr line | the huge trace\'s warning');
for (const spans of sizes) {
  for (const shape of shapes) {
    for (const format of formats) {
      const dir = mkdtempSync(join(tmpdir(), 'bench-huge-'));
      try {
        const file = join(dir, `huge.${format === 'spans-csv' || format === 'messages-csv' ? 'csv' : 'json'}`);
        const mapping = await writeHugeTrace(file, format, shape, spans);
        const args = ['stv', '--in', file, '--out', join(dir, 'out'), '--definition', definition, ...extra];
        if (mapping) {
          writeFileSync(join(dir, 'columns.json'), JSON.stringify(mapping));
          args.push('--columns', join(dir, 'columns.json'));
        }
        const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', 'timeout', '-s', 'KILL', String(timeout), process.execPath, BIN, ...args], { encoding: 'utf8' });
        const m = /TIME ([\d.]+) (\d+)/.exec(r.stderr ?? '');
        const lines = (r.stderr ?? '').split('\n').filter((l) => l && !l.startsWith('TIME'));
        const skipped = lines.find((l) => l.includes('too-many-spans') || l.includes('trace huge:'));
        const killed = r.status === 137 || r.status === 124;
        const code = killed ? `killed at ${timeout}s` : String(r.status);
        const seconds = killed ? `>${timeout}` : m ? m[1] : '?';
        const rss = m ? (Number(m[2]) / 1024).toFixed(0) : '?';
        console.log([spans, shape, format, definition, (statSync(file).size / 1e6).toFixed(0), code, seconds, rss, `${(lines.filter((l) => !l.startsWith(' ')).at(-1) ?? '').slice(0, 100)}${skipped ? ` | ${lines.find((l) => l.includes('trace huge:'))?.trim()}` : ''}`].join('\t'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
}
