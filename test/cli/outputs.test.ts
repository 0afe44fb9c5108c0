import { beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from '../helpers/cli.ts';
import { fixture, tempDir } from '../helpers/files.ts';
import { writeHugeTrace } from '../../bench/huge-traces.ts';

const BIN = fileURLToPath(new URL('../../bin/traceanomaly.mjs', import.meta.url));
const FIG1 = fixture('fig1/messages.csv');
const HOST = hostname().replace(/[^A-Za-z0-9.-]+/g, '_').slice(0, 40) || 'host';
/** A pid no process has (above Linux's largest pid_max). */
const DEAD = 4_194_400;
const ls = (dir: string) => readdirSync(dir).sort();

/** stv.csv rows over dimensions a, b, c, d; d is valid only with `withD` (a dimension training never had valid). */
function stvCsv(rows: number, seed: number, withD = false): string {
  const lines = ['trace_id,a(start->a),"b(start->a,a->b)","c(start->a,a->c)","d(start->a,a->d)"'];
  for (let i = 0; i < rows; i++) {
    const v = (m: number, k: number) => Math.round(m * (1 + 0.2 * Math.sin(seed * 31 + i * 7 + k)));
    lines.push([`t${seed}-${i}`, v(200, 1), v(120, 2), i % 2 ? v(40, 3) : -1, withD ? 25 : -1].join(','));
  }
  return `${lines.join('\n')}\n`;
}

const QUICK = ['--max-epochs', '1', '--samples', '4', '--flow-length', '1', '--workers', '1', '--backend', 'wasm'];

describe('outputs: checked before the work, no stale or partial files', () => {
  let dir: string;
  let model: string;
  beforeAll(() => {
    dir = tempDir();
    writeFileSync(join(dir, 'train.csv'), stvCsv(200, 1));
    writeFileSync(join(dir, 'test.csv'), stvCsv(10, 2));
    writeFileSync(join(dir, 'test-new.csv'), stvCsv(3, 3, true));
    writeFileSync(join(dir, 'a-file'), 'not a folder\n');
    model = join(dir, 'model');
    const r = cli('train', '--in', join(dir, 'train.csv'), '--out', model, ...QUICK);
    expect(r.code).toBe(0);
  });

  it('refuses /proc and /sys up front (a --out under /proc hung in a recursive mkdir; /sys gave a raw EPERM)', () => {
    for (const [p, fs] of [['/proc/x', 'proc'], ['/sys/x', 'sysfs']]) {
      const r = spawnSync(process.execPath, [BIN, 'stv', '--in', FIG1, '--out', p], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`traceanomaly stv: error: ${p}/callpaths.json: is on ${fs}, a kernel file system where outputs cannot be written; give a path on a disk\n`);
    }
  });

  it('--out an existing file: says so (the cleanup masked it with lstat ... .partial-PID)', () => {
    const r = cli('stv', '--in', FIG1, '--out', join(dir, 'a-file'));
    expect([r.code, r.stderr]).toEqual([1, `traceanomaly stv: error: ${join(dir, 'a-file')}: is a file, not a folder (the output goes in it)\n`]);
  });

  it('train and detect check their output before the work: the error is the only line (no backend, no progress)', () => {
    const t = cli('train', '--in', join(dir, 'train.csv'), '--out', join(dir, 'a-file', 'm'), ...QUICK);
    expect([t.code, t.stderr]).toEqual([1, `traceanomaly train: error: ${join(dir, 'a-file')}: is a file, not a folder (the output goes in it)\n`]);
    const d = cli('detect', '--model', model, '--in', join(dir, 'test.csv'), '--out', dir);
    expect([d.code, d.stderr]).toEqual([1, `traceanomaly detect: error: ${dir}: is a folder; an output file goes there\n`]);
  });

  it("a reused folder keeps no output of an earlier run: stv labels.csv / unseen.csv, detect's SCORES.unseen.csv, a model's callpaths.json; foreign files stay", async () => {
    const out = join(tempDir(), 'stv');
    const labels = join(dir, 'labels.csv');
    writeFileSync(labels, 'trace_id,label\nUUID-1,0\n');
    const list = join(tempDir(), 'list');
    expect(cli('stv', '--in', FIG1, '--out', list).code).toBe(0);
    expect(cli('stv', '--in', FIG1, '--out', out, '--labels', labels, '--callpaths', join(list, 'callpaths.json')).code).toBe(0);
    writeFileSync(join(out, 'notes.txt'), 'mine\n');
    expect(ls(out)).toEqual(['callpaths.json', 'labels.csv', 'notes.txt', 'stv.csv', 'unseen.csv']);
    expect(cli('stv', '--in', FIG1, '--out', out).code).toBe(0);
    expect(ls(out)).toEqual(['callpaths.json', 'notes.txt', 'stv.csv']);

    const scores = join(tempDir(), 'scores.csv');
    expect(cli('detect', '--model', model, '--in', join(dir, 'test-new.csv'), '--out', scores, '--workers', '1').code).toBe(0);
    expect(existsSync(scores.replace(/\.csv$/, '.unseen.csv'))).toBe(true);
    expect(cli('detect', '--model', model, '--in', join(dir, 'test.csv'), '--out', scores, '--workers', '1').code).toBe(0);
    expect(existsSync(scores.replace(/\.csv$/, '.unseen.csv'))).toBe(false);

    // a model of raw traces has callpaths.json; one of STVs in the same folder must not keep it
    const m = join(tempDir(), 'm');
    const raw = join(tempDir(), 'raw.json');
    await writeHugeTrace(raw, 'zipkin', 'flat', 4);
    const many = JSON.parse(readFileSync(raw, 'utf8')) as { traceId: string }[];
    writeFileSync(raw, JSON.stringify(Array.from({ length: 60 }, (_, k) => many.map((s) => ({ ...s, traceId: `${s.traceId}-${k}` }))).flat()));
    expect(cli('train', '--in', raw, '--out', m, ...QUICK).code).toBe(0);
    expect(ls(m)).toEqual(['callpaths.json', 'hstv.json', 'model.json', 'weights.bin']);
    expect(cli('train', '--in', join(dir, 'train.csv'), '--out', m, ...QUICK).code).toBe(0);
    expect(ls(m)).toEqual(['hstv.json', 'model.json', 'weights.bin']);
  });

  it("removes partial files of dead runs on the next run, keeps a live run's and foreign ones", () => {
    const out = join(tempDir(), 'stv');
    mkdirSync(out);
    const dead = [`stv.csv.partial-${HOST}-${DEAD}`, `callpaths.json.partial-${DEAD}`, `labels.csv.partial-${HOST}-${DEAD}`];
    const kept = [`stv.csv.partial-${HOST}-${process.pid}`, `notes.txt.partial-${DEAD}`, `stv.csv.partial-other-host-${DEAD}`];
    for (const f of [...dead, ...kept]) writeFileSync(join(out, f), 'half');
    expect(cli('stv', '--in', FIG1, '--out', out).code).toBe(0);
    expect(ls(out)).toEqual(['callpaths.json', 'stv.csv', ...kept].sort());

    const m = join(tempDir(), 'm');
    mkdirSync(m);
    writeFileSync(join(m, `weights.bin.partial-${HOST}-${DEAD}`), 'half');
    expect(cli('train', '--in', join(dir, 'train.csv'), '--out', m, ...QUICK).code).toBe(0);
    expect(ls(m)).toEqual(['hstv.json', 'model.json', 'weights.bin']);

    const s = join(tempDir(), 'scores.csv');
    writeFileSync(`${s}.partial-${HOST}-${DEAD}`, 'half');
    writeFileSync(`${s.replace(/\.csv$/, '.unseen.csv')}.partial-${HOST}-${DEAD}`, 'half');
    expect(cli('detect', '--model', model, '--in', join(dir, 'test.csv'), '--out', s, '--workers', '1').code).toBe(0);
    expect(readdirSync(join(s, '..'))).toEqual(['scores.csv']);
  });

  it('kill -9 while stv writes, then a rerun: no partial or stale file', async () => {
    const work = tempDir();
    const big = join(work, 'big.json');
    await writeHugeTrace(big, 'zipkin', 'chain', 4000); // ~130 MB of outputs: seconds of writing
    const out = join(work, 'out');
    const child = spawn(process.execPath, [BIN, 'stv', '--in', big, '--out', out], { stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    let partial: string[] = [];
    for (let i = 0; i < 3000 && partial.length === 0 && child.exitCode === null; i++) {
      await new Promise((r) => setTimeout(r, 10));
      partial = existsSync(out) ? readdirSync(out).filter((f) => f.includes('.partial-')) : [];
    }
    child.kill('SIGKILL');
    await exited;
    expect(partial.length).toBeGreaterThan(0);
    expect(ls(out).some((f) => f.includes(`.partial-${HOST}-${child.pid}`))).toBe(true);
    expect(ls(out).filter((f) => !f.includes('.partial-'))).toEqual([]);
    expect(cli('stv', '--in', FIG1, '--out', out).code).toBe(0);
    expect(ls(out)).toEqual(['callpaths.json', 'stv.csv']);
  });

  it('kill -9 during train and detect, then a rerun: the folder holds exactly the new outputs', async () => {
    const work = tempDir();
    const m = join(work, 'm');
    const s = join(work, 's.csv');
    for (const [args, until] of [
      [['train', '--in', join(dir, 'train.csv'), '--out', m, ...QUICK.slice(0, 1), '500', ...QUICK.slice(2)], /backend:/],
      [['detect', '--model', model, '--in', join(dir, 'train.csv'), '--out', s, '--samples', '2000', '--workers', '1'], /backend:/],
    ] as const) {
      const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      await new Promise<void>((resolve) => {
        child.stderr!.on('data', (d) => {
          err += String(d);
          if (until.test(err)) resolve();
        });
        child.once('exit', () => resolve());
      });
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    expect(existsSync(m) ? ls(m) : []).toEqual([]);
    expect(ls(work).filter((f) => f !== 'm')).toEqual([]);
    expect(cli('train', '--in', join(dir, 'train.csv'), '--out', m, ...QUICK).code).toBe(0);
    expect(cli('detect', '--model', m, '--in', join(dir, 'test.csv'), '--out', s, '--workers', '1').code).toBe(0);
    expect(ls(m)).toEqual(['hstv.json', 'model.json', 'weights.bin']);
    expect(ls(work)).toEqual(['m', 's.csv']);
  });
});
