import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/files.ts';
import { syntheticTraces, toJaegerJson } from '../../bench/synthetic-traces.ts';
import { Random } from '../../src/lib/util/random.ts';

/** A small stv.csv: 4 dimensions with log-normal response times, one valid in half the traces, one never valid. */
function stvCsv(rows: number, seed: number, kind: 'normal' | 'slow' | 'new-path'): string {
  const r = new Random(seed);
  const lines = ['trace_id,a(start->a),"b(start->a,a->b)","c(start->a,a->c)","d(start->a,a->d)","e(start->a,a->e)","f(start->a,a->f)"'];
  for (let i = 0; i < rows; i++) {
    const base = [200, 120, 40, 60].map((m) => Math.round(m * Math.exp(0.2 * r.normal())));
    if (kind === 'slow') base[1] *= 12;
    const e = i % 2 === 0 ? String(Math.round(30 * Math.exp(0.2 * r.normal()))) : '-1';
    const f = kind === 'new-path' ? '25' : '-1';
    lines.push([`${kind}-${seed}-${i}`, ...base, e, f].join(','));
  }
  return `${lines.join('\n')}\n`;
}

const parse = (file: string) => readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));

describe('traceanomaly train / detect', () => {
  it('trains on STVs and scores: same seed and backend give identical model and score files; slow traces score low; new dimensions are unseen', () => {
    const dir = tempDir();
    const train = join(dir, 'train.csv');
    writeFileSync(train, stvCsv(600, 1, 'normal'));
    const test = join(dir, 'test.csv');
    writeFileSync(test, stvCsv(40, 2, 'normal') + stvCsv(10, 3, 'slow').split('\n').slice(1).join('\n') + stvCsv(3, 4, 'new-path').split('\n').slice(1).join('\n'));
    const common = ['--max-epochs', '4', '--valid-every-steps', '4', '--samples', '20', '--flow-length', '2', '--backend', 'wasm', '--calibration', 'heldout'];
    for (const m of ['m1', 'm2']) {
      const r = cli('train', '--in', train, '--out', join(dir, m), ...common);
      expect(r.stderr).toMatch(/backend: wasm/);
      // training, then the held-out traces scored for the decision KDE (60 of 600), each with its own line
      expect(r.stderr).toMatch(/kde: 60\/60 traces.*held-out traces at L_z 20/);
      expect(r.stderr).toMatch(/trained: 4 epochs \(8 steps\) in .* \(best \d, valid NLL/);
      // 60 held-out traces cannot resolve alpha = 0.001: the user is told
      expect(r.stderr).toMatch(/warning: traceanomaly: the decision KDE rests on 60 held-out traces, fewer than 1\/alpha = 1000/);
      expect(r.code).toBe(0);
    }
    expect(readFileSync(join(dir, 'm1', 'weights.bin')).equals(readFileSync(join(dir, 'm2', 'weights.bin')))).toBe(true);
    const scores = ['s1.csv', 's2.csv', 's3.csv'].map((f) => join(dir, f));
    expect(cli('detect', '--model', join(dir, 'm1'), '--in', test, '--out', scores[0]).code).toBe(0);
    expect(cli('detect', '--model', join(dir, 'm2'), '--in', test, '--out', scores[1]).code).toBe(0);
    expect(readFileSync(scores[0], 'utf8')).toBe(readFileSync(scores[1], 'utf8'));
    // another seed draws other importance samples: the file changes (so the equality above is not vacuous)
    expect(cli('detect', '--model', join(dir, 'm1'), '--in', test, '--out', scores[2], '--seed', '9').code).toBe(0);
    expect(readFileSync(scores[2], 'utf8')).not.toBe(readFileSync(scores[0], 'utf8'));
    // a model trained on a GPU machine scores on one without: detect picks its backend as train does (auto), not
    // the one the model records (which fails to load where @tensorflow/tfjs-node-gpu is not installed)
    const gpuModel = join(dir, 'm1-gpu');
    cpSync(join(dir, 'm1'), gpuModel, { recursive: true });
    const json = JSON.parse(readFileSync(join(gpuModel, 'model.json'), 'utf8'));
    json.backend = json.options.backend = 'tensorflow-gpu';
    writeFileSync(join(gpuModel, 'model.json'), JSON.stringify(json));
    const onAuto = cli('detect', '--model', gpuModel, '--in', test, '--out', join(dir, 's4.csv'));
    expect(onAuto.code).toBe(0);
    if (/^backend: wasm/m.test(onAuto.stderr)) expect(readFileSync(join(dir, 's4.csv'), 'utf8')).toBe(readFileSync(scores[0], 'utf8'));

    const rows = parse(scores[0]);
    expect(readFileSync(scores[0], 'utf8').split('\n')[0]).toBe('trace_id,log_px,p_value,anomalous,unseen,root_cause_service,root_cause_path');
    const logPx = (prefix: string) => rows.filter((r) => r[0].startsWith(prefix)).map((r) => Number(r[1]));
    const normal = logPx('normal').sort((a, b) => a - b);
    const slow = logPx('slow');
    expect(Math.max(...slow)).toBeLessThan(normal[Math.floor(normal.length / 2)]);
    // slow b: flagged, and b's dimension is the root cause (sec. II-D; the csv quotes ids with commas)
    const text = readFileSync(scores[0], 'utf8');
    for (const r of rows.filter((r) => r[0].startsWith('slow'))) expect(r[3]).toBe('1');
    expect(text.split('\n').filter((l) => l.startsWith('slow')).every((l) => l.endsWith(',b,"b(start->a,a->b)"'))).toBe(true);
    // a new call to f: unseen, anomalous, and f (called after the longest common path start->a) is the root cause
    for (const r of rows.filter((r) => r[0].startsWith('new-path'))) expect(r.slice(1, 6)).toEqual(['', '0', '1', '1', 'f']);
    // normal traces that are not flagged get no root cause
    for (const r of rows.filter((r) => r[0].startsWith('normal') && r[3] === '0')) expect(r.slice(5)).toEqual(['', '']);
    expect(readFileSync(join(dir, 's1.unseen.csv'), 'utf8').trim().split('\n')).toEqual([
      'trace_id,call_path_id',
      ...[0, 1, 2].map((i) => `new-path-4-${i},"f(start->a,a->f)"`),
    ]);
  });

  it('trains on a raw export, reports unseen call paths, and honours a whitelist', () => {
    const dir = tempDir();
    const train = join(dir, 'train.json');
    writeFileSync(train, toJaegerJson(syntheticTraces(300, 5, 3, 6, 1)));
    const test = join(dir, 'test.json');
    const newShape = syntheticTraces(2, 5, 1, 6, 11).map((t) => ({ ...t, id: `new-${t.id}` }));
    writeFileSync(test, toJaegerJson([...syntheticTraces(6, 5, 3, 6, 1), ...newShape]));
    expect(cli('train', '--in', train, '--out', join(dir, 'm'), '--max-epochs', '2', '--valid-every-steps', '1', '--samples', '10', '--flow-length', '1', '--workers', '1').code).toBe(0);
    expect(existsSync(join(dir, 'm', 'callpaths.json'))).toBe(true);
    const out = join(dir, 'scores.csv');
    expect(cli('detect', '--model', join(dir, 'm'), '--in', test, '--out', out, '--workers', '1').code).toBe(0);
    const rows = parse(out);
    expect(rows.filter((r) => r[4] === '1').map((r) => r[0])).toEqual(['new-t0', 'new-t1']);
    const unseen = readFileSync(join(dir, 'scores.unseen.csv'), 'utf8').trim().split('\n').slice(1);
    expect(unseen.length).toBeGreaterThan(0);
    // whitelist the new paths: the traces are then scored by the model instead
    const paths = [...new Set(unseen.map((l) => JSON.parse(l.slice(l.indexOf(',') + 1).replace(/^"|"$/g, '"'))))];
    const wl = join(dir, 'whitelist.json');
    writeFileSync(wl, JSON.stringify({ paths }));
    const out2 = join(dir, 'scores2.csv');
    expect(cli('detect', '--model', join(dir, 'm'), '--in', test, '--out', out2, '--workers', '1', '--whitelist', wl).code).toBe(0);
    expect(parse(out2).filter((r) => r[4] === '1')).toEqual([]);
    expect(existsSync(join(dir, 'scores2.unseen.csv'))).toBe(false);
  });

  it('rejects bad arguments with exit code 2 and a model folder that is not one with exit code 1', () => {
    expect(cli('train', '--in', 'x.csv').code).toBe(2);
    expect(cli('train', '--in', 'x.csv', '--out', tempDir(), '--flow', 'glow').code).toBe(2);
    const r = cli('detect', '--model', tempDir(), '--in', 'x.csv', '--out', join(tempDir(), 's.csv'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/model\.json/);
  });
});

describe('traceanomaly train on too little data', () => {
  it('fails with exit code 1 and says why', () => {
    const dir = tempDir();
    const train = join(dir, 'train.csv');
    writeFileSync(train, stvCsv(10, 1, 'normal'));
    const r = cli('train', '--in', train, '--out', join(dir, 'm'), '--backend', 'cpu');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/too few training traces \(10/);
    expect(existsSync(join(dir, 'm'))).toBe(false);
  });
});

describe('detect: root causes on STVs with named columns', () => {
  it('names the root cause by the column the model stores (it wrote "dimension 1") and matches columns by name (reordered ones gave the wrong one)', () => {
    const dir = tempDir();
    const r = new Random(5);
    const row = (id: string, b: number) => `${id},${Math.round(200 * Math.exp(0.1 * r.normal()))},${b},${r.next() < 0.5 ? -1 : Math.round(40 * Math.exp(0.1 * r.normal()))}`;
    writeFileSync(join(dir, 'train.csv'), ['trace_id,lat_a,lat_b,lat_c', ...Array.from({ length: 300 }, (_, i) => row(`t${i}`, Math.round(120 * Math.exp(0.1 * r.normal()))))].join('\n'));
    const slow = Array.from({ length: 4 }, (_, i) => row(`slow${i}`, 2500 + i)).map((l) => l.split(','));
    writeFileSync(join(dir, 'test.csv'), ['trace_id,lat_a,lat_b,lat_c', ...slow.map((c) => c.join(','))].join('\n'));
    writeFileSync(join(dir, 'reordered.csv'), ['trace_id,lat_c,lat_a,lat_b', ...slow.map((c) => [c[0], c[3], c[1], c[2]].join(','))].join('\n'));
    expect(cli('train', '--in', join(dir, 'train.csv'), '--out', join(dir, 'm'), '--max-epochs', '3', '--samples', '10', '--workers', '1').code).toBe(0);
    for (const f of ['test.csv', 'reordered.csv']) {
      const out = join(dir, `scores-${f}`);
      expect(cli('detect', '--model', join(dir, 'm'), '--in', join(dir, f), '--out', out, '--workers', '1').code).toBe(0);
      const rows = parse(out);
      expect(rows.map((x) => x[3])).toEqual(['1', '1', '1', '1']);
      expect(rows.map((x) => x.slice(5))).toEqual(Array(4).fill(['lat_b', 'lat_b']));
    }
  });
});
